-- Who received an item at a fit, or handed it over at a collection, and what they were
-- shown: written with the event, in its transaction. The name, the signature and the reason
-- there is none are the client's personal data (`client_id`, the event's client): erasing
-- that client blanks them and sets `erased_at`.
CREATE TABLE handovers (
    event_id BIGINT PRIMARY KEY NOT NULL REFERENCES events(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    demonstrated BOOLEAN NOT NULL,
    leaflet_left BOOLEAN NOT NULL,
    -- The PNG drawn on the screen, base64: text copies between backends as it is.
    signature_png TEXT,
    no_signature_reason TEXT,
    erased_at TIMESTAMP
);
CREATE INDEX handovers_client ON handovers (client_id);
