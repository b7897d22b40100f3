DROP TABLE login_throttle;
DROP TABLE audit_log;
DROP TABLE api_keys;
DROP TABLE invitations;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE tenants;
