//! One schema for both backends, written by hand in portable types only.

diesel::table! {
    staff (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        active -> Bool,
        password_hash -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        staff_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    equipment_types (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        category -> Text,
        manufacturer -> Nullable<Text>,
        model -> Nullable<Text>,
        requires_decontamination -> Bool,
        created_at -> Timestamp,
        safe_working_load_kg -> Nullable<Integer>,
        /// A digital telecare base unit (migration 2026-12-04-110000).
        digital_unit -> Bool,
    }
}

diesel::table! {
    check_rules (id) {
        id -> BigInt,
        type_id -> BigInt,
        name -> Text,
        interval_days -> Integer,
        lead_days -> Nullable<Integer>,
        kind -> Text,
        due_on_fit -> Bool,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    locations (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        address -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        reference -> Text,
        name -> Text,
        address -> Text,
        postcode -> Text,
        phone -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    items (id) {
        id -> BigInt,
        asset_tag -> Text,
        type_id -> BigInt,
        serial_number -> Nullable<Text>,
        batch -> Nullable<Text>,
        status -> Text,
        location_id -> Nullable<BigInt>,
        client_id -> Nullable<BigInt>,
        worker_id -> Nullable<BigInt>,
        fitted_at -> Nullable<Date>,
        last_checked_at -> Nullable<Date>,
        next_check_due -> Nullable<Date>,
        search_key -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        first_fitted_at -> Nullable<Date>,
        condemn_reason -> Nullable<Text>,
        manufactured_on -> Nullable<Date>,
        safe_working_load_kg -> Nullable<Integer>,
    }
}

diesel::table! {
    item_checks_due (item_id, rule_id) {
        item_id -> BigInt,
        rule_id -> BigInt,
        last_checked_at -> Nullable<Date>,
        next_due -> Nullable<Date>,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        item_id -> BigInt,
        occurred_at -> Timestamp,
        staff_id -> Nullable<BigInt>,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        client_id -> Nullable<BigInt>,
        note_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    safety_checks (id) {
        id -> BigInt,
        item_id -> BigInt,
        rule_id -> BigInt,
        outcome -> Text,
        performed_at -> Date,
        performed_by -> BigInt,
        recorded_at -> Timestamp,
        note_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    decontaminations (id) {
        id -> BigInt,
        item_id -> BigInt,
        method -> Text,
        performed_by -> BigInt,
        performed_at -> Timestamp,
        note_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    recalls (id) {
        id -> BigInt,
        reference -> Text,
        title -> Text,
        type_id -> BigInt,
        serial_from -> Nullable<Text>,
        serial_to -> Nullable<Text>,
        batch -> Nullable<Text>,
        status -> Text,
        opened_by -> BigInt,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recall_items (id) {
        id -> BigInt,
        recall_id -> BigInt,
        item_id -> BigInt,
        status_at_open -> Text,
        client_id -> Nullable<BigInt>,
        worker_id -> Nullable<BigInt>,
        state -> Text,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        notes -> Nullable<Text>,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        dedup_key -> Text,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        staff_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_links (id) {
        id -> BigInt,
        token_hash -> Text,
        staff_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(api_tokens -> staff (staff_id));
diesel::joinable!(sign_in_links -> staff (staff_id));
diesel::joinable!(sessions -> staff (staff_id));
diesel::joinable!(check_rules -> equipment_types (type_id));
diesel::joinable!(items -> equipment_types (type_id));
diesel::joinable!(items -> locations (location_id));
diesel::joinable!(items -> clients (client_id));
diesel::joinable!(items -> staff (worker_id));
diesel::joinable!(item_checks_due -> check_rules (rule_id));
diesel::joinable!(item_checks_due -> items (item_id));
diesel::joinable!(events -> items (item_id));
diesel::joinable!(recall_items -> items (item_id));
diesel::joinable!(recall_items -> recalls (recall_id));
diesel::joinable!(recalls -> equipment_types (type_id));

diesel::allow_tables_to_appear_in_same_query!(
    staff,
    api_tokens,
    equipment_types,
    check_rules,
    locations,
    clients,
    items,
    item_checks_due,
    events,
    safety_checks,
    decontaminations,
    recalls,
    recall_items,
    counters,
    notifications,
    sessions,
    sweeps,
    notes,
    notification_clients,
    audit_log,
    sign_in_links,
);

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_start -> Timestamp,
    }
}

diesel::table! {
    sweeps (id) {
        id -> BigInt,
        as_of -> Date,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        outcome -> Text,
        due_checks -> Integer,
        digests -> Integer,
        queued -> Integer,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    notes (id) {
        id -> BigInt,
        client_id -> Nullable<BigInt>,
        body -> Text,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_clients (notification_id, client_id) {
        notification_id -> BigInt,
        client_id -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        staff_id -> Nullable<BigInt>,
        action -> Text,
        subject_kind -> Text,
        subject_id -> BigInt,
        details -> Text,
    }
}

diesel::table! {
    examinations (check_id) {
        check_id -> BigInt,
        basis -> Text,
        safe_working_load_kg -> Nullable<Integer>,
        safe_to_operate -> Bool,
        tests -> Nullable<Text>,
        examiner_name -> Text,
        examiner_qualifications -> Nullable<Text>,
        examiner_employer -> Nullable<Text>,
        examiner_address -> Nullable<Text>,
        report_date -> Date,
        next_examination_by -> Nullable<Date>,
        risk_of_serious_injury -> Bool,
    }
}

diesel::table! {
    defects (id) {
        id -> BigInt,
        item_id -> BigInt,
        check_id -> BigInt,
        part -> Text,
        description -> Text,
        dangerous -> Bool,
        remedy_by -> Nullable<Date>,
        repair -> Nullable<Text>,
        remedied_on -> Nullable<Date>,
        remedied_by -> Nullable<BigInt>,
        remedy_notes -> Nullable<Text>,
    }
}

diesel::joinable!(examinations -> safety_checks (check_id));
diesel::allow_tables_to_appear_in_same_query!(examinations, safety_checks);
diesel::allow_tables_to_appear_in_same_query!(defects, items);
diesel::allow_tables_to_appear_in_same_query!(defects, equipment_types);
diesel::allow_tables_to_appear_in_same_query!(defects, locations);
diesel::allow_tables_to_appear_in_same_query!(defects, clients);
diesel::joinable!(defects -> items (item_id));

diesel::joinable!(events -> notes (note_id));
diesel::joinable!(notification_clients -> notifications (notification_id));
diesel::joinable!(audit_log -> staff (staff_id));

diesel::table! {
    handovers (event_id) {
        event_id -> BigInt,
        client_id -> BigInt,
        name -> Text,
        relation -> Text,
        demonstrated -> Bool,
        leaflet_left -> Bool,
        signature_png -> Nullable<Text>,
        no_signature_reason -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(handovers -> events (event_id));
diesel::allow_tables_to_appear_in_same_query!(handovers, events);

diesel::table! {
    /// A write's `Idempotency-Key` by account, and once answered, its answer (`db::idempotency_keys`).
    idempotency_keys (staff_id, idempotency_key) {
        staff_id -> BigInt,
        idempotency_key -> Text,
        request_hash -> Text,
        claimed_at -> Timestamp,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        body -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The telecare installation in a client's home, one per client (`db::telecare`).
    telecare_installations (client_id) {
        client_id -> BigInt,
        monitoring_centre -> Text,
        unit_reference -> Text,
        base_unit_id -> Nullable<BigInt>,
        connection -> Text,
        provider_told -> Bool,
        router_battery -> Text,
        responders -> Text,
        key_safe -> Bool,
        switchover_status -> Text,
        switchover_scheduled_on -> Nullable<Date>,
        migrated_on -> Nullable<Date>,
        end_to_end_test_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Each change of a telecare installation, as it was after the change (JSON).
    telecare_changes (id) {
        id -> BigInt,
        client_id -> BigInt,
        changed_at -> Timestamp,
        staff_id -> Nullable<BigInt>,
        installation -> Text,
    }
}

diesel::joinable!(telecare_installations -> clients (client_id));
diesel::allow_tables_to_appear_in_same_query!(telecare_installations, clients);
diesel::allow_tables_to_appear_in_same_query!(telecare_installations, items);
diesel::allow_tables_to_appear_in_same_query!(telecare_installations, equipment_types);
diesel::allow_tables_to_appear_in_same_query!(telecare_installations, staff);
diesel::allow_tables_to_appear_in_same_query!(telecare_changes, clients);
diesel::allow_tables_to_appear_in_same_query!(telecare_changes, staff);

diesel::table! {
    /// A set of items with a tag and label of its own (`db::kits`).
    kits (id) {
        id -> BigInt,
        tag -> Text,
        name -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A kit's members: an item is in at most one kit.
    kit_members (kit_id, item_id) {
        kit_id -> BigInt,
        item_id -> BigInt,
        added_at -> Timestamp,
    }
}

diesel::table! {
    /// A kit's own history: members added and removed, its moves, members missing at a collection.
    kit_events (id) {
        id -> BigInt,
        kit_id -> BigInt,
        occurred_at -> Timestamp,
        staff_id -> Nullable<BigInt>,
        action -> Text,
        item_id -> Nullable<BigInt>,
        client_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(kit_members -> kits (kit_id));
diesel::joinable!(kit_members -> items (item_id));
diesel::joinable!(kit_events -> kits (kit_id));
diesel::joinable!(kit_events -> items (item_id));
diesel::joinable!(kit_events -> staff (staff_id));
diesel::allow_tables_to_appear_in_same_query!(kits, kit_members, kit_events);
diesel::allow_tables_to_appear_in_same_query!(kits, items);
diesel::allow_tables_to_appear_in_same_query!(kit_members, items);
diesel::allow_tables_to_appear_in_same_query!(kit_events, items);
diesel::allow_tables_to_appear_in_same_query!(kit_events, staff);

diesel::table! {
    /// Each event a monitoring centre reported, by the item it resolved to (`db::telecare_events`).
    telecare_events (id) {
        id -> BigInt,
        item_id -> BigInt,
        kind -> Text,
        occurred_at -> Timestamp,
        centre -> Nullable<Text>,
        unit_reference -> Nullable<Text>,
        received_at -> Timestamp,
    }
}

diesel::joinable!(telecare_events -> items (item_id));
diesel::allow_tables_to_appear_in_same_query!(telecare_events, items);
diesel::allow_tables_to_appear_in_same_query!(defects, safety_checks);
