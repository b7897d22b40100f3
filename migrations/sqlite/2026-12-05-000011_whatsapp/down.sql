DROP TABLE whatsapp_sends;
DROP TABLE whatsapp_received;
DROP TABLE whatsapp_inbox;
DROP TABLE whatsapp_connectors;
