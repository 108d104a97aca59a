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

-- Erasure is the one change a hand-over accepts: the history it belongs to is append-only.
CREATE FUNCTION handovers_only_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'hand-overs are kept; erasure blanks them';
    END IF;
    IF NEW.name <> '[erased]' OR NEW.signature_png IS NOT NULL
       OR NEW.no_signature_reason IS DISTINCT FROM '[erased]' OR NEW.erased_at IS NULL
       OR NEW.event_id <> OLD.event_id OR NEW.client_id <> OLD.client_id OR NEW.relation <> OLD.relation
       OR NEW.demonstrated <> OLD.demonstrated OR NEW.leaflet_left <> OLD.leaflet_left THEN
        RAISE EXCEPTION 'a hand-over can only be erased';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER handovers_only_erased BEFORE UPDATE OR DELETE ON handovers
FOR EACH ROW EXECUTE FUNCTION handovers_only_erased();
