-- A tenant's connected WhatsApp number. Secrets are encrypted by the server (AES-256-GCM,
-- key from SECRETS_KEY or DATA_DIR/secrets_key); only their last four characters are shown.
CREATE TABLE whatsapp_connectors (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL UNIQUE REFERENCES tenants(id) ON DELETE CASCADE,
    phone_number_id TEXT NOT NULL UNIQUE,
    business_account_id TEXT NOT NULL,
    access_token TEXT NOT NULL,
    app_secret TEXT NOT NULL,
    verify_token TEXT NOT NULL,
    access_token_last4 TEXT NOT NULL,
    app_secret_last4 TEXT NOT NULL,
    verify_token_last4 TEXT NOT NULL,
    connected_at TIMESTAMP NOT NULL,
    last_webhook_at TIMESTAMP,
    last_send_error TEXT,
    last_send_error_at TIMESTAMP
);

-- Webhook bodies as Meta posted them (signature already checked): stored before the 200 so
-- the answer is fast and nothing is lost, processed in the background.
CREATE TABLE whatsapp_inbox (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX whatsapp_inbox_due ON whatsapp_inbox (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

-- Meta's id of every customer message already stored: delivery is at-least-once.
CREATE TABLE whatsapp_received (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    wamid TEXT NOT NULL,
    message_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, wamid)
);

-- The business's messages to WhatsApp: the durable outbox (one row per message, so a send is
-- made once per message) and then the message's delivery state from status webhooks.
CREATE TABLE whatsapp_sends (
    message_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    request TEXT NOT NULL,
    state TEXT NOT NULL,
    wamid TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX whatsapp_sends_due ON whatsapp_sends (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX whatsapp_sends_wamid ON whatsapp_sends (tenant_id, wamid) WHERE wamid IS NOT NULL;
