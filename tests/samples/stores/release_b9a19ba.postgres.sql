--
-- PostgreSQL database dump
--

\restrict uRStHFsTZ1xgrvZLgbnzlF4aK9dxm9q6VGtJGn0dDWCQH7Qa0fJjDjRdueJobW6

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: __SCHEMA__; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA __SCHEMA__;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: accounts; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.accounts (
    integration_id text NOT NULL,
    account_id text NOT NULL,
    data json NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    status_reason text,
    settings json DEFAULT '{}'::json NOT NULL,
    next_pull_at timestamp with time zone,
    failures integer DEFAULT 0 NOT NULL,
    last_error text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT accounts_status_check CHECK ((status = ANY (ARRAY['active'::text, 'paused'::text, 'left'::text])))
);


--
-- Name: apps; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.apps (
    id text NOT NULL,
    connector text NOT NULL,
    name text NOT NULL,
    public json DEFAULT '{}'::json NOT NULL,
    secret bytea,
    owned_by text,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: cache; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.cache (
    integration_id text NOT NULL,
    namespace text NOT NULL,
    key text NOT NULL,
    value json NOT NULL
);


--
-- Name: connect_links; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.connect_links (
    token_hash text NOT NULL,
    integration_id text NOT NULL,
    purpose text NOT NULL,
    token_hint text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    last_used_at timestamp with time zone
);


--
-- Name: cursors; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.cursors (
    integration_id text NOT NULL,
    stream text NOT NULL,
    value text,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: deliveries; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.deliveries (
    integration_id text NOT NULL,
    shop_id text NOT NULL,
    order_id text NOT NULL,
    version text,
    problem text
);


--
-- Name: documents; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.documents (
    integration_id text NOT NULL,
    key text NOT NULL,
    content bytea NOT NULL,
    media_type text NOT NULL,
    stored_at timestamp with time zone NOT NULL
);


--
-- Name: integration_tags; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.integration_tags (
    integration_id text NOT NULL,
    key text NOT NULL,
    value text NOT NULL
);


--
-- Name: integrations; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.integrations (
    id text NOT NULL,
    connector text NOT NULL,
    name text NOT NULL,
    settings json DEFAULT '{}'::json NOT NULL,
    account_id text,
    created_at timestamp with time zone NOT NULL,
    app_id text NOT NULL,
    tags json DEFAULT '{}'::json NOT NULL
);


--
-- Name: intents; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.intents (
    integration_id text NOT NULL,
    account_id text NOT NULL,
    kind character varying(40) NOT NULL,
    key text NOT NULL,
    payload json NOT NULL,
    status text NOT NULL,
    outcome json,
    attempts integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT intents_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'done'::text, 'refused'::text])))
);


--
-- Name: leases; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.leases (
    name text NOT NULL,
    owner text NOT NULL,
    acquired_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: oauth_states; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.oauth_states (
    state_hash text NOT NULL,
    integration_id text NOT NULL,
    data json DEFAULT '{}'::json NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone
);


--
-- Name: outbox; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.outbox (
    integration_id text NOT NULL,
    kind text NOT NULL,
    key text NOT NULL,
    payload json NOT NULL,
    status text NOT NULL,
    outcome json,
    attempts integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    queued_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    CONSTRAINT outbox_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'done'::text, 'failed'::text])))
);


--
-- Name: reauthorization; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.reauthorization (
    integration_id text NOT NULL,
    deadline timestamp with time zone,
    needed boolean DEFAULT false NOT NULL,
    reason text
);


--
-- Name: runs; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.runs (
    id bigint NOT NULL,
    integration_id text NOT NULL,
    account_id text NOT NULL,
    flow text NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone NOT NULL,
    ok boolean NOT NULL,
    summary json NOT NULL
);


--
-- Name: runs_id_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

CREATE SEQUENCE __SCHEMA__.runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: runs_id_seq; Type: SEQUENCE OWNED BY; Schema: __SCHEMA__; Owner: -
--

ALTER SEQUENCE __SCHEMA__.runs_id_seq OWNED BY __SCHEMA__.runs.id;


--
-- Name: schema_migrations; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: signin_throttle; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.signin_throttle (
    client text NOT NULL,
    failures integer NOT NULL,
    window_start timestamp with time zone NOT NULL,
    locked_until timestamp with time zone,
    lockouts integer NOT NULL
);


--
-- Name: stock_ledger; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.stock_ledger (
    integration_id text NOT NULL,
    account_id text NOT NULL,
    sku text NOT NULL,
    warehouse text DEFAULT ''::text NOT NULL,
    quantity bigint,
    pending bigint,
    pushed_at timestamp with time zone NOT NULL,
    as_of bigint,
    pending_as_of bigint
);


--
-- Name: tokens; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tokens (
    integration_id text NOT NULL,
    access_token bytea NOT NULL,
    access_expires_at timestamp with time zone NOT NULL,
    refresh_token bytea,
    refresh_expires_at timestamp with time zone,
    scopes json DEFAULT '[]'::json NOT NULL,
    extra json DEFAULT '{}'::json NOT NULL,
    version integer NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: webhook_events; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.webhook_events (
    integration_id text NOT NULL,
    event_id text NOT NULL,
    received_at timestamp with time zone NOT NULL
);


--
-- Name: runs id; Type: DEFAULT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.runs ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.runs_id_seq'::regclass);


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.accounts (integration_id, account_id, data, status, status_reason, settings, next_pull_at, failures, last_error, updated_at) FROM stdin;
tiktok_shop-a0176430	7494049642642441002	{"id": "7494049642642441002", "name": "Emulator Test Shop GB", "region": "GB", "selector": "ROW_iAAHzKrq7pmgCBLanBxeLGfCsUsj6xKQu3OxXS", "extra": {"seller_type": "LOCAL", "code": "GBLCEMU002"}}	active	\N	{}	2026-12-08 00:54:36.577704+00	0	\N	2026-12-08 00:54:36.577704+00
tiktok_shop-a0176430	7494049642642441001	{"id": "7494049642642441001", "name": "Emulator Outfitters US", "region": "US", "selector": "TTP_cDAphZGwi-oD4aGbVnRz45Vm97soym3fq67z5f", "extra": {"seller_type": "LOCAL", "code": "USLCEMU001"}}	active	\N	{"stock_sync": false}	2026-12-08 00:54:36.577704+00	0	\N	2026-12-08 00:54:36.652083+00
tiktok_shop-a0176430	7494049642642441003	{"id": "7494049642642441003", "name": "Emulator Test Shop DE", "region": "DE", "selector": "ROW_SCoRm1olUEhvGmTkrZvcatXtYhOOzzCQO8kiY9", "extra": {"seller_type": "LOCAL", "code": "DELCEMU003"}}	active	\N	{"stock_sync": false}	2026-12-08 00:54:36.577704+00	0	\N	2026-12-08 00:54:36.653254+00
tiktok_shop-ff113423	7494049642642441001	{"id": "7494049642642441001", "name": "Emulator Outfitters US", "region": "US", "selector": "TTP_cDAphZGwi-oD4aGbVnRz45Vm97soym3fq67z5f", "extra": {"seller_type": "LOCAL", "code": "USLCEMU001"}}	active	\N	{}	2026-12-08 00:54:36.726993+00	0	\N	2026-12-08 00:54:36.726993+00
tiktok_shop-ff113423	7494049642642441002	{"id": "7494049642642441002", "name": "Emulator Test Shop GB", "region": "GB", "selector": "ROW_iAAHzKrq7pmgCBLanBxeLGfCsUsj6xKQu3OxXS", "extra": {"seller_type": "LOCAL", "code": "GBLCEMU002"}}	active	\N	{}	2026-12-08 00:54:36.726993+00	0	\N	2026-12-08 00:54:36.726993+00
tiktok_shop-ff113423	7494049642642441003	{"id": "7494049642642441003", "name": "Emulator Test Shop DE", "region": "DE", "selector": "ROW_SCoRm1olUEhvGmTkrZvcatXtYhOOzzCQO8kiY9", "extra": {"seller_type": "LOCAL", "code": "DELCEMU003"}}	active	\N	{}	2026-12-08 00:54:36.726993+00	0	\N	2026-12-08 00:54:36.726993+00
\.


--
-- Data for Name: apps; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.apps (id, connector, name, public, secret, owned_by, created_at, updated_at) FROM stdin;
app-tiktok_shop-1a07ebff	tiktok_shop	Shared app	{"environment": "production", "region": "non_us", "app_key": "6emu1atorttsk", "service_id": "7390000000000000001", "base_url": "http://127.0.0.1:32915", "auth_base_url": "http://127.0.0.1:34777", "authorize_url": "http://127.0.0.1:34777/open/authorize"}	\\x67414141414142724631564d694f54434f6b756876485672436e7770795f56584d6c326c376744524a416d4c727670472d6a305a4467684f4846586974426c35334d3130724f56453664646545646f41546a543648556b47736c31744a3969784f696e714c70675a51612d6f44686d583562665247307a5a586f36504d762d42567a2d394e756e556e63744c59694a4b6e5f4d334537636f6a6256524a514e6c6a413d3d	\N	2026-12-08 00:54:36.547196+00	2026-12-08 00:54:36.547196+00
\.


--
-- Data for Name: cache; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.cache (integration_id, namespace, key, value) FROM stdin;
tiktok_shop-a0176430	order_shop	576461413038000000	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000003	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000006	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000009	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000012	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000015	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000018	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000021	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000024	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000027	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000030	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000033	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000036	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000039	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000042	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000045	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000048	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000051	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000054	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000057	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000060	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000063	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000066	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000069	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000072	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000075	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000078	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000081	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000084	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000087	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000090	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000093	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000096	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000099	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000102	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000105	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000108	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000111	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000114	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000117	"7494049642642441001"
tiktok_shop-a0176430	order_shop	576461413038000001	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000004	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000007	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000010	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000013	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000016	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000019	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000022	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000025	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000028	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000031	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000034	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000037	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000040	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000043	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000046	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000049	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000052	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000055	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000058	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000061	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000064	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000067	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000070	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000073	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000076	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000079	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000082	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000085	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000088	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000091	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000094	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000097	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000100	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000103	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000106	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000109	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000112	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000115	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000118	"7494049642642441002"
tiktok_shop-a0176430	order_shop	576461413038000002	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000005	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000008	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000011	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000014	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000017	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000020	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000023	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000026	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000029	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000032	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000035	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000038	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000041	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000044	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000047	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000050	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000053	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000056	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000059	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000062	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000065	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000068	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000071	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000074	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000077	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000080	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000083	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000086	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000089	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000092	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000095	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000098	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000101	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000104	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000107	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000110	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000113	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000116	"7494049642642441003"
tiktok_shop-a0176430	order_shop	576461413038000119	"7494049642642441003"
tiktok_shop-a0176430	7494049642642441002:warehouses	sales	[{"id": "7068517275539719010", "name": "Main warehouse", "is_default": true}]
tiktok_shop-a0176430	7494049642642441002:sku_map	BOTTLE-500	{"product_id": "1729582718312480005", "sku_id": "1729592969713207500"}
tiktok_shop-a0176430	7494049642642441002:sku_map	BOTTLE-750	{"product_id": "1729582718312480005", "sku_id": "1729592969713207501"}
tiktok_shop-a0176430	7494049642642441002:sku_map	CANDLE-VAN	{"product_id": "1729582718312480009", "sku_id": "1729592969713207900"}
tiktok_shop-a0176430	7494049642642441002:sku_map	CANDLE-CED	null
tiktok_shop-a0176430	7494049642642441002:carriers	7091146663229654101	[{"id": "6617675021119438100", "name": "Royal Mail"}, {"id": "6617675021119438101", "name": "DPD"}, {"id": "6617675021119438102", "name": "Evri"}, {"id": "6617675021119438103", "name": "Yodel"}]
\.


--
-- Data for Name: connect_links; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.connect_links (token_hash, integration_id, purpose, token_hint, created_at, expires_at, last_used_at) FROM stdin;
\.


--
-- Data for Name: cursors; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.cursors (integration_id, stream, value, updated_at) FROM stdin;
tiktok_shop-a0176430	orders@7494049642642441001	{"watermark": "2026-12-08T00:54:36.583685+00:00"}	2026-12-08 00:54:36.603691+00
tiktok_shop-a0176430	orders@7494049642642441002	{"watermark": "2026-12-08T00:54:36.608689+00:00"}	2026-12-08 00:54:36.626437+00
tiktok_shop-a0176430	orders@7494049642642441003	{"watermark": "2026-12-08T00:54:36.629709+00:00"}	2026-12-08 00:54:36.647547+00
\.


--
-- Data for Name: deliveries; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.deliveries (integration_id, shop_id, order_id, version, problem) FROM stdin;
tiktok_shop-a0176430	7494049642642441001	576461413038000000	2026-11-08T00:54:35+00:00	\N
tiktok_shop-a0176430	7494049642642441001	576461413038000003	2026-11-08T18:54:35+00:00	\N
tiktok_shop-a0176430	7494049642642441002	576461413038000001	2026-11-08T06:54:35+00:00	\N
tiktok_shop-a0176430	7494049642642441002	576461413038000004	2026-11-09T00:54:35+00:00	\N
tiktok_shop-a0176430	7494049642642441003	576461413038000002	2026-11-08T12:54:35+00:00	\N
tiktok_shop-a0176430	7494049642642441003	576461413038000005	2026-11-09T06:54:35+00:00	\N
\.


--
-- Data for Name: documents; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.documents (integration_id, key, content, media_type, stored_at) FROM stdin;
\.


--
-- Data for Name: integration_tags; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.integration_tags (integration_id, key, value) FROM stdin;
tiktok_shop-a0176430	customer	c-42
tiktok_shop-a0176430	plan	gold
\.


--
-- Data for Name: integrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.integrations (id, connector, name, settings, account_id, created_at, app_id, tags) FROM stdin;
tiktok_shop-a0176430	tiktok_shop	TikTok Shop	{"import_unpaid_orders": true, "import_orders_since": "2026-01-01", "stock_sync": true, "push_shipments": true, "status_overrides": {}, "carrier_aliases": {}, "warehouse_map": {}}	\N	2026-12-08 00:54:36.561749+00	app-tiktok_shop-1a07ebff	{"customer": "c-42", "plan": "gold"}
tiktok_shop-ff113423	tiktok_shop	TikTok Shop	{"import_unpaid_orders": true, "import_orders_since": "2026-01-01", "stock_sync": true, "push_shipments": true, "status_overrides": {}, "carrier_aliases": {}, "warehouse_map": {}}	\N	2026-12-08 00:54:36.717374+00	app-tiktok_shop-1a07ebff	{}
\.


--
-- Data for Name: intents; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.intents (integration_id, account_id, kind, key, payload, status, outcome, attempts, created_at, updated_at) FROM stdin;
tiktok_shop-a0176430	7494049642642441002	shipment	576461413038000112/c7dbdfb3e55eefa673c1ac4171513d44	{"order_id": "576461413038000112", "tracking_number": "B9-TRK-1", "carrier": "Royal Mail", "line_ids": ["5770865121237001792", "5770865121237001793", "5770865121237001794", "5770865121237001795", "5770865121237001796", "5770865121237001797"]}	done	{"outcome": "confirmed", "package_id": "1153132168000003588", "channel_line_ids": ["5770865121237001792", "5770865121237001793", "5770865121237001794", "5770865121237001795", "5770865121237001796", "5770865121237001797"], "code": null, "message": null}	1	2026-12-08 00:54:36.697002+00	2026-12-08 00:54:36.704575+00
\.


--
-- Data for Name: leases; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.leases (name, owner, acquired_at, expires_at) FROM stdin;
\.


--
-- Data for Name: oauth_states; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.oauth_states (state_hash, integration_id, data, expires_at, used_at) FROM stdin;
\.


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.outbox (integration_id, kind, key, payload, status, outcome, attempts, created_at, queued_at, finished_at) FROM stdin;
\.


--
-- Data for Name: reauthorization; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.reauthorization (integration_id, deadline, needed, reason) FROM stdin;
tiktok_shop-a0176430	2027-12-08 00:54:35+00	f	\N
tiktok_shop-ff113423	2027-12-08 00:54:35+00	f	\N
\.


--
-- Data for Name: runs; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.runs (id, integration_id, account_id, flow, started_at, finished_at, ok, summary) FROM stdin;
1	tiktok_shop-a0176430	7494049642642441001	pull_orders	2026-12-08 00:54:36.581608+00	2026-12-08 00:54:36.605366+00	t	{"pages": 1, "orders": 40, "problems": 0, "stream": "orders@7494049642642441001"}
2	tiktok_shop-a0176430	7494049642642441002	pull_orders	2026-12-08 00:54:36.606864+00	2026-12-08 00:54:36.627632+00	t	{"pages": 1, "orders": 40, "problems": 0, "stream": "orders@7494049642642441002"}
3	tiktok_shop-a0176430	7494049642642441003	pull_orders	2026-12-08 00:54:36.628278+00	2026-12-08 00:54:36.64871+00	t	{"pages": 1, "orders": 40, "problems": 0, "stream": "orders@7494049642642441003"}
4	tiktok_shop-a0176430	7494049642642441002	push_stock	2026-12-08 00:54:36.656688+00	2026-12-08 00:54:36.677062+00	t	{"levels": 3, "calls": 2, "updated": 2, "unchanged": 0, "unknown_sku": 0, "rejected": 1, "invalid": 0, "stale": 0}
5	tiktok_shop-a0176430	7494049642642441002	confirm_shipment	2026-12-08 00:54:36.685269+00	2026-12-08 00:54:36.706334+00	t	{"order_id": "576461413038000112", "calls": 1, "outcomes": ["confirmed"]}
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.schema_migrations (version, name, applied_at) FROM stdin;
1	initial	2026-12-08 00:54:36.453404+00
2	platform	2026-12-08 00:54:36.453404+00
3	stock_as_of	2026-12-08 00:54:36.453404+00
4	outbox	2026-12-08 00:54:36.453404+00
5	deliveries	2026-12-08 00:54:36.453404+00
6	signin_throttle	2026-12-08 00:54:36.453404+00
\.


--
-- Data for Name: signin_throttle; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.signin_throttle (client, failures, window_start, locked_until, lockouts) FROM stdin;
\.


--
-- Data for Name: stock_ledger; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.stock_ledger (integration_id, account_id, sku, warehouse, quantity, pending, pushed_at, as_of, pending_as_of) FROM stdin;
tiktok_shop-a0176430	7494049642642441002	BOTTLE-500		5	\N	2026-12-08 00:54:36.674751+00	\N	\N
tiktok_shop-a0176430	7494049642642441002	BOTTLE-750		6	\N	2026-12-08 00:54:36.674751+00	\N	\N
\.


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.tokens (integration_id, access_token, access_expires_at, refresh_token, refresh_expires_at, scopes, extra, version, updated_at) FROM stdin;
tiktok_shop-a0176430	\\x67414141414142724631564d6f747452764f5538437041526b6f4b6975544a4e706d68306938685337745277545f5255385146635f72486e4a6a5a39544961505a735a356b7163647335586d6d396430536d4d74627a474262756d30324c6258644348445259447576614734566b586c654f6f69575633526843476768674236454c533562465a355a4a664862766671317631585f68616639316b4f37446d456765703753455342572d72314e3479535966554c3265453d	2026-12-15 00:54:35+00	\\x67414141414142724631564d69487442713447477145634d5f645448507136554431574c754855525777366a2d74586134724b6830775033646a706830344838595a38675f3878707353797a53514b7541376e4e5973796a6f75487a72544d7767396b39586b4458696b3174737a3543304b5837776c4165434c6979563250546b774c7163586a4b4e7142586b3135574643637a433871314f323556734d334e6830393838504d686877417135585979374c67645269343d	2027-12-08 00:54:35+00	["seller.authorization.info", "seller.order.info", "seller.product.basic", "seller.logistics", "seller.fulfillment.basic", "seller.return_refund.basic"]	{"open_id": "7010736057180325696", "seller_name": "Emulator Test Seller", "seller_base_region": "GB", "user_type": 0}	1	2026-12-08 00:54:36.570657+00
tiktok_shop-ff113423	\\x67414141414142724631564d6f3445785031364c4d4157527a366e4a65595162463553465570743455486842704e4d52504d6739564775573841314e484f4261766941575f5246353265662d325649454c7a534b2d554c3768626c74536e376163755f58487768737854525470787a4c67386e506d3371432d5677764e51357779497a6734645631576f37787177344a6b52465a5a4979476965573150735a6370616a77556b5f78532d497a4d4e526f613152317a6e383d	2026-12-15 00:54:35+00	\\x67414141414142724631564d413946353432535a6d354d646e34466e434668524e7951587432686b586171377a5149346b732d4e6d306a4b4c63612d396139424f78513852654a4e393766764e693149374231554744716569573066664477466a51336c5443497846383064473732396f6f42446d2d3563574831686476365463645864704a5845486c7758756631564d554737563578705369314d634a4351353142703275546d365378674b6469776276736a4c2d383d	2027-12-08 00:54:35+00	["seller.authorization.info", "seller.order.info", "seller.product.basic", "seller.logistics", "seller.fulfillment.basic", "seller.return_refund.basic"]	{"open_id": "7010736057180325696", "seller_name": "Emulator Test Seller", "seller_base_region": "GB", "user_type": 0}	1	2026-12-08 00:54:36.722762+00
\.


--
-- Data for Name: webhook_events; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.webhook_events (integration_id, event_id, received_at) FROM stdin;
\.


--
-- Name: runs_id_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.runs_id_seq', 5, true);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (integration_id, account_id);


--
-- Name: apps apps_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.apps
    ADD CONSTRAINT apps_pkey PRIMARY KEY (id);


--
-- Name: cache cache_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.cache
    ADD CONSTRAINT cache_pkey PRIMARY KEY (integration_id, namespace, key);


--
-- Name: connect_links connect_links_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.connect_links
    ADD CONSTRAINT connect_links_pkey PRIMARY KEY (token_hash);


--
-- Name: cursors cursors_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.cursors
    ADD CONSTRAINT cursors_pkey PRIMARY KEY (integration_id, stream);


--
-- Name: deliveries deliveries_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (integration_id, shop_id, order_id);


--
-- Name: documents documents_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (integration_id, key);


--
-- Name: integration_tags integration_tags_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.integration_tags
    ADD CONSTRAINT integration_tags_pkey PRIMARY KEY (integration_id, key);


--
-- Name: integrations integrations_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.integrations
    ADD CONSTRAINT integrations_pkey PRIMARY KEY (id);


--
-- Name: intents intents_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.intents
    ADD CONSTRAINT intents_pkey PRIMARY KEY (integration_id, account_id, kind, key);


--
-- Name: leases leases_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.leases
    ADD CONSTRAINT leases_pkey PRIMARY KEY (name);


--
-- Name: oauth_states oauth_states_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.oauth_states
    ADD CONSTRAINT oauth_states_pkey PRIMARY KEY (state_hash);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (integration_id, kind, key);


--
-- Name: reauthorization reauthorization_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.reauthorization
    ADD CONSTRAINT reauthorization_pkey PRIMARY KEY (integration_id);


--
-- Name: runs runs_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: signin_throttle signin_throttle_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.signin_throttle
    ADD CONSTRAINT signin_throttle_pkey PRIMARY KEY (client);


--
-- Name: stock_ledger stock_ledger_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.stock_ledger
    ADD CONSTRAINT stock_ledger_pkey PRIMARY KEY (integration_id, account_id, sku, warehouse);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (integration_id);


--
-- Name: webhook_events webhook_events_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (integration_id, event_id);


--
-- Name: accounts_by_shop; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX accounts_by_shop ON __SCHEMA__.accounts USING btree (account_id, status);


--
-- Name: accounts_due; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX accounts_due ON __SCHEMA__.accounts USING btree (next_pull_at) WHERE (status = 'active'::text);


--
-- Name: apps_by_owner; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX apps_by_owner ON __SCHEMA__.apps USING btree (owned_by);


--
-- Name: connect_links_by_integration; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX connect_links_by_integration ON __SCHEMA__.connect_links USING btree (integration_id, created_at);


--
-- Name: integration_tags_by_value; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX integration_tags_by_value ON __SCHEMA__.integration_tags USING btree (key, value);


--
-- Name: integrations_by_app; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX integrations_by_app ON __SCHEMA__.integrations USING btree (app_id);


--
-- Name: intents_by_creation; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX intents_by_creation ON __SCHEMA__.intents USING btree (integration_id, created_at, key);


--
-- Name: outbox_due; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX outbox_due ON __SCHEMA__.outbox USING btree (queued_at) WHERE (status = 'pending'::text);


--
-- Name: outbox_finished; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX outbox_finished ON __SCHEMA__.outbox USING btree (finished_at) WHERE (status <> 'pending'::text);


--
-- Name: reauthorization_by_deadline; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX reauthorization_by_deadline ON __SCHEMA__.reauthorization USING btree (deadline);


--
-- Name: runs_by_flow; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX runs_by_flow ON __SCHEMA__.runs USING btree (integration_id, flow, finished_at);


--
-- Name: signin_throttle_window; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX signin_throttle_window ON __SCHEMA__.signin_throttle USING btree (window_start);


--
-- Name: tokens_by_expiry; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX tokens_by_expiry ON __SCHEMA__.tokens USING btree (access_expires_at);


--
-- Name: accounts accounts_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.accounts
    ADD CONSTRAINT accounts_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: cache cache_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.cache
    ADD CONSTRAINT cache_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: connect_links connect_links_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.connect_links
    ADD CONSTRAINT connect_links_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: cursors cursors_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.cursors
    ADD CONSTRAINT cursors_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: deliveries deliveries_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deliveries
    ADD CONSTRAINT deliveries_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: documents documents_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.documents
    ADD CONSTRAINT documents_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: integration_tags integration_tags_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.integration_tags
    ADD CONSTRAINT integration_tags_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: integrations integrations_app_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.integrations
    ADD CONSTRAINT integrations_app_id_fkey FOREIGN KEY (app_id) REFERENCES __SCHEMA__.apps(id);


--
-- Name: intents intents_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.intents
    ADD CONSTRAINT intents_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: oauth_states oauth_states_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.oauth_states
    ADD CONSTRAINT oauth_states_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: outbox outbox_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.outbox
    ADD CONSTRAINT outbox_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: reauthorization reauthorization_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.reauthorization
    ADD CONSTRAINT reauthorization_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: runs runs_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.runs
    ADD CONSTRAINT runs_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: stock_ledger stock_ledger_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.stock_ledger
    ADD CONSTRAINT stock_ledger_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: tokens tokens_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tokens
    ADD CONSTRAINT tokens_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: webhook_events webhook_events_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.webhook_events
    ADD CONSTRAINT webhook_events_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict uRStHFsTZ1xgrvZLgbnzlF4aK9dxm9q6VGtJGn0dDWCQH7Qa0fJjDjRdueJobW6

