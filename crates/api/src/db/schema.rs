//! Table definitions shared by SQLite and PostgreSQL. Written by hand (not `diesel print-schema`)
//! because both backends must see the same column types: TEXT ids and JSON, naive UTC timestamps.

diesel::table! {
    tenants (id) {
        id -> Text,
        name -> Text,
        time_zone -> Text,
        widget_key -> Text,
        rating_categories -> Text,
        reopen_policy -> Text,
        plan -> Text,
        event_seq -> BigInt,
        created_at -> Timestamp,
        widget_settings -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        tenant_id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        availability -> Text,
        active -> Bool,
        created_at -> Timestamp,
        deactivated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        refresh_hash -> Text,
        previous_refresh_hash -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        tenant_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        tenant_id -> Text,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        actor_label -> Nullable<Text>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    visitors (id) {
        id -> Text,
        tenant_id -> Text,
        display_id -> Text,
        channel -> Text,
        whatsapp_phone -> Nullable<Text>,
        name -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        custom_fields -> Text,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    conversations (id) {
        id -> Text,
        tenant_id -> Text,
        visitor_id -> Text,
        channel -> Text,
        status -> Text,
        assignee_id -> Nullable<Text>,
        needs_agent_since -> Nullable<Timestamp>,
        agent_requested -> Bool,
        booked -> Bool,
        rating -> Nullable<SmallInt>,
        pending_handoff_id -> Nullable<Text>,
        message_count -> BigInt,
        shard -> Integer,
        started_at -> Timestamp,
        last_activity_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<Text>,
        last_customer_message_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        tenant_id -> Text,
        conversation_id -> Nullable<Text>,
        kind -> Text,
        content_type -> Text,
        filename -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        duration_ms -> Nullable<BigInt>,
        uploaded_by_user -> Nullable<Text>,
        uploaded_by_visitor -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        tenant_id -> Text,
        conversation_id -> Text,
        sender -> Text,
        sender_user_id -> Nullable<Text>,
        kind -> Text,
        body -> Nullable<Text>,
        attachment_id -> Nullable<Text>,
        payload -> Nullable<Text>,
        client_message_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    handoffs (id) {
        id -> Text,
        tenant_id -> Text,
        conversation_id -> Text,
        kind -> Text,
        from_user_id -> Nullable<Text>,
        to_user_id -> Text,
        reason -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    leads (id) {
        id -> Text,
        tenant_id -> Text,
        conversation_id -> Nullable<Text>,
        visitor_id -> Nullable<Text>,
        email -> Text,
        name -> Nullable<Text>,
        phone -> Nullable<Text>,
        company -> Nullable<Text>,
        message -> Nullable<Text>,
        captured_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ratings (id) {
        id -> Text,
        tenant_id -> Text,
        conversation_id -> Text,
        stars -> SmallInt,
        categories -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    quick_replies (id) {
        id -> Text,
        tenant_id -> Text,
        shortcut -> Text,
        title -> Text,
        body -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    bookings (id) {
        id -> Text,
        tenant_id -> Text,
        conversation_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        note -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        tenant_id -> Text,
        title -> Text,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    conversation_counts (tenant_id, channel, shard) {
        tenant_id -> Text,
        channel -> Text,
        shard -> Integer,
        total -> BigInt,
        unresolved -> BigInt,
        needs_agent -> BigInt,
        resolved -> BigInt,
        booked -> BigInt,
        agent_requests -> BigInt,
        messages_ai -> BigInt,
        messages_agent -> BigInt,
        bookings -> BigInt,
        rating_sum -> BigInt,
        rating_count -> BigInt,
    }
}

diesel::table! {
    stats_buckets (tenant_id, bucket_start, shard) {
        tenant_id -> Text,
        bucket_start -> Timestamp,
        shard -> Integer,
        sessions -> BigInt,
        resolved -> BigInt,
        messages -> BigInt,
        bookings -> BigInt,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        tenant_id -> Text,
        seq -> Nullable<BigInt>,
        kind -> Text,
        at -> Timestamp,
        conversation_id -> Nullable<Text>,
        visitor_id -> Nullable<Text>,
    }
}

diesel::table! {
    event_data (event_id) {
        event_id -> BigInt,
        data -> Text,
    }
}

diesel::table! {
    server_processes (id) {
        id -> Text,
        started_at -> Timestamp,
        heartbeat_at -> Timestamp,
    }
}

diesel::table! {
    visitor_presence (id) {
        id -> Text,
        tenant_id -> Text,
        visitor_id -> Text,
        process_id -> Text,
        connected_at -> Timestamp,
        page_url -> Nullable<Text>,
        page_title -> Nullable<Text>,
        referrer -> Nullable<Text>,
    }
}

diesel::table! {
    member_presence (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        process_id -> Text,
        connected_at -> Timestamp,
    }
}

diesel::table! {
    team_reads (tenant_id, conversation_id) {
        tenant_id -> Text,
        conversation_id -> Text,
        message_id -> Text,
        message_created_at -> Timestamp,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    whatsapp_connectors (id) {
        id -> Text,
        tenant_id -> Text,
        phone_number_id -> Text,
        business_account_id -> Text,
        access_token -> Text,
        app_secret -> Text,
        verify_token -> Text,
        access_token_last4 -> Text,
        app_secret_last4 -> Text,
        verify_token_last4 -> Text,
        connected_at -> Timestamp,
        last_webhook_at -> Nullable<Timestamp>,
        last_send_error -> Nullable<Text>,
        last_send_error_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    whatsapp_inbox (id) {
        id -> Text,
        tenant_id -> Text,
        connector_id -> Text,
        body -> Text,
        received_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    whatsapp_received (tenant_id, wamid) {
        tenant_id -> Text,
        wamid -> Text,
        message_id -> Text,
    }
}

diesel::table! {
    whatsapp_sends (message_id) {
        message_id -> Text,
        tenant_id -> Text,
        conversation_id -> Text,
        recipient -> Text,
        request -> Text,
        state -> Text,
        wamid -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(conversations -> visitors (visitor_id));
diesel::joinable!(messages -> attachments (attachment_id));
diesel::joinable!(visitor_presence -> visitors (visitor_id));
diesel::joinable!(member_presence -> users (user_id));
diesel::joinable!(event_data -> events (event_id));
diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    users,
    sessions,
    invitations,
    api_keys,
    audit_log,
    login_throttle,
    visitors,
    conversations,
    attachments,
    messages,
    handoffs,
    leads,
    ratings,
    quick_replies,
    bookings,
    documents,
    conversation_counts,
    stats_buckets,
    events,
    event_data,
    server_processes,
    visitor_presence,
    member_presence,
    team_reads,
    whatsapp_connectors,
    whatsapp_inbox,
    whatsapp_received,
    whatsapp_sends
);
