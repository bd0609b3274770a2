-- The admin sign-in throttle, shared by every web process of a host (connector_core/store/signin.py).

CREATE TABLE signin_throttle (
    client          text PRIMARY KEY,
    failures        integer NOT NULL,
    window_start    timestamptz NOT NULL,
    locked_until    timestamptz,
    lockouts        integer NOT NULL
);

CREATE INDEX signin_throttle_window ON signin_throttle (window_start);
