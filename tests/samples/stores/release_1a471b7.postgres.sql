--
-- PostgreSQL database dump
--

\restrict 4YAB7NlQaKJKZWccgUV8Bvj4wKAKgkLLS0YdgX6uubmthaiXJHbFhDKpasQaJ3u

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
    data json NOT NULL
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
-- Name: credentials; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.credentials (
    integration_id text NOT NULL,
    public json NOT NULL,
    secret bytea
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
-- Name: integrations; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.integrations (
    id text NOT NULL,
    connector text NOT NULL,
    name text NOT NULL,
    settings json DEFAULT '{}'::json NOT NULL,
    account_id text,
    created_at timestamp with time zone NOT NULL
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
-- Name: stock_ledger; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.stock_ledger (
    integration_id text NOT NULL,
    account_id text NOT NULL,
    sku text NOT NULL,
    warehouse text DEFAULT ''::text NOT NULL,
    quantity bigint,
    pending bigint,
    pushed_at timestamp with time zone NOT NULL
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

COPY __SCHEMA__.accounts (integration_id, account_id, data) FROM stdin;
tiktok_shop-1e9d6f50	7494049642642441001	{"id": "7494049642642441001", "name": "Emulator Outfitters US", "region": "US", "selector": "TTP_cDAphZGwi-oD4aGbVnRz45Vm97soym3fq67z5f", "extra": {"seller_type": "LOCAL", "code": "USLCEMU001"}}
tiktok_shop-1e9d6f50	7494049642642441002	{"id": "7494049642642441002", "name": "Emulator Test Shop GB", "region": "GB", "selector": "ROW_iAAHzKrq7pmgCBLanBxeLGfCsUsj6xKQu3OxXS", "extra": {"seller_type": "LOCAL", "code": "GBLCEMU002"}}
tiktok_shop-1e9d6f50	7494049642642441003	{"id": "7494049642642441003", "name": "Emulator Test Shop DE", "region": "DE", "selector": "ROW_SCoRm1olUEhvGmTkrZvcatXtYhOOzzCQO8kiY9", "extra": {"seller_type": "LOCAL", "code": "DELCEMU003"}}
tiktok_shop-e7c15160	7494049642642441001	{"id": "7494049642642441001", "name": "Emulator Outfitters US", "region": "US", "selector": "TTP_cDAphZGwi-oD4aGbVnRz45Vm97soym3fq67z5f", "extra": {"seller_type": "LOCAL", "code": "USLCEMU001"}}
tiktok_shop-e7c15160	7494049642642441002	{"id": "7494049642642441002", "name": "Emulator Test Shop GB", "region": "GB", "selector": "ROW_iAAHzKrq7pmgCBLanBxeLGfCsUsj6xKQu3OxXS", "extra": {"seller_type": "LOCAL", "code": "GBLCEMU002"}}
tiktok_shop-e7c15160	7494049642642441003	{"id": "7494049642642441003", "name": "Emulator Test Shop DE", "region": "DE", "selector": "ROW_SCoRm1olUEhvGmTkrZvcatXtYhOOzzCQO8kiY9", "extra": {"seller_type": "LOCAL", "code": "DELCEMU003"}}
\.


--
-- Data for Name: cache; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.cache (integration_id, namespace, key, value) FROM stdin;
tiktok_shop-1e9d6f50	7494049642642441002:sku_map	BOTTLE-500	{"product_id": "1729582718312480005", "sku_id": "1729592969713207500"}
tiktok_shop-1e9d6f50	7494049642642441002:sku_map	BOTTLE-750	{"product_id": "1729582718312480005", "sku_id": "1729592969713207501"}
tiktok_shop-1e9d6f50	7494049642642441002:sku_map	CANDLE-VAN	{"product_id": "1729582718312480009", "sku_id": "1729592969713207900"}
tiktok_shop-1e9d6f50	7494049642642441002:warehouses	sales	[{"id": "7068517275539719010", "name": "Main warehouse", "is_default": true}]
tiktok_shop-1e9d6f50	7494049642642441002:sku_map	CANDLE-CED	null
tiktok_shop-1e9d6f50	7494049642642441002:carriers	7091146663229654101	[{"id": "6617675021119438100", "name": "Royal Mail"}, {"id": "6617675021119438101", "name": "DPD"}, {"id": "6617675021119438102", "name": "Evri"}, {"id": "6617675021119438103", "name": "Yodel"}]
\.


--
-- Data for Name: connect_links; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.connect_links (token_hash, integration_id, purpose, token_hint, created_at, expires_at, last_used_at) FROM stdin;
66821dee1cb368662320ea381ae0e4d9402ecedb90fd201bff805389664e0cd2	tiktok_shop-1e9d6f50	connect	mpZs	2026-12-07 20:11:41.57056+00	2027-01-06 20:11:41.57056+00	\N
\.


--
-- Data for Name: credentials; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.credentials (integration_id, public, secret) FROM stdin;
tiktok_shop-1e9d6f50	{"environment": "production", "region": "non_us", "app_key": "6emu1atorttsk", "service_id": "7390000000000000001", "base_url": "http://127.0.0.1:35205", "auth_base_url": "http://127.0.0.1:34715", "authorize_url": "http://127.0.0.1:34715/open/authorize"}	\\x674141414141427246784c39767666305263637063414238714d76444c4765486c6c75634856586c535068343259616a356956446739576d614a395870537852644c546a397661383434726843624e77645a68386f70574438316937776a705748566d315838646f78355171696762347448566a30566c61342d566c76465150665a747664713761354e3278444f36597072565a4d61366c4230366f594e523477673d3d
tiktok_shop-e7c15160	{"environment": "production", "region": "non_us", "app_key": "6emu1atorttsk", "service_id": "7390000000000000001", "base_url": "http://127.0.0.1:35205", "auth_base_url": "http://127.0.0.1:34715", "authorize_url": "http://127.0.0.1:34715/open/authorize"}	\\x674141414141427246784c3972786242703670534d4d7a4d3664464d4c4d556c6b675053465041546467572d3475417433434b735157626565486c6f66465a4c4f59337a356f76746a584e6c756545736a50614d323630356a68637934526d61686a34664a31536a6a564e503066314f3356656a5f446c784948626e39714b546d6b3179454d744b62686c7555384a575666586674615938305f39494835496c31513d3d
tiktok_shop-ca08afa7	{"environment": "production", "region": "non_us", "app_key": "6emu1atorttsk", "service_id": "7390000000000000001", "base_url": "http://127.0.0.1:35205", "auth_base_url": "http://127.0.0.1:34715", "authorize_url": "http://127.0.0.1:34715/open/authorize"}	\\x674141414141427246784c395f4144583641327439385547464c36773161534d5f5a7033617931545253616a74483675447543547647706a6d576b6542384e786941736a33516430517a45314a5873695251326a726954616e50614e6d345631727a366570614e38776d64636c596d4c457a55706a46624d326634346b7233634b526634584839584550576a79786d6857757535474e6475464642654d57476e34673d3d
\.


--
-- Data for Name: cursors; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.cursors (integration_id, stream, value, updated_at) FROM stdin;
tiktok_shop-1e9d6f50	orders@7494049642642441002	{"watermark": "2026-12-07T20:11:41.495427+00:00"}	2026-12-07 20:11:41.516449+00
\.


--
-- Data for Name: documents; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.documents (integration_id, key, content, media_type, stored_at) FROM stdin;
\.


--
-- Data for Name: integrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.integrations (id, connector, name, settings, account_id, created_at) FROM stdin;
tiktok_shop-1e9d6f50	tiktok_shop	connected	{"import_unpaid_orders": true, "import_orders_since": "2026-01-01", "stock_sync": true, "push_shipments": true, "status_overrides": {}, "carrier_aliases": {}, "warehouse_map": {}}	7494049642642441002	2026-12-07 20:11:41.470077+00
tiktok_shop-e7c15160	tiktok_shop	two_shops_none_selected	{"import_unpaid_orders": true, "import_orders_since": "2026-01-01", "stock_sync": true, "push_shipments": true, "status_overrides": {}, "carrier_aliases": {}, "warehouse_map": {}}	\N	2026-12-07 20:11:41.578835+00
tiktok_shop-ca08afa7	tiktok_shop	never_connected	{"stock_sync": false, "push_shipments": true, "import_unpaid_orders": false, "status_overrides": {}, "carrier_aliases": {}, "warehouse_map": {}}	\N	2026-12-07 20:11:41.599468+00
\.


--
-- Data for Name: intents; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.intents (integration_id, account_id, kind, key, payload, status, outcome, attempts, created_at, updated_at) FROM stdin;
tiktok_shop-1e9d6f50	7494049642642441002	shipment	576461413038000112/1224817c33cc157406df08ac0263dafa	{"order_id": "576461413038000112", "tracking_number": "OLD-TRK-1", "carrier": "Royal Mail", "line_ids": ["5770865121237001792", "5770865121237001793", "5770865121237001794", "5770865121237001795", "5770865121237001796", "5770865121237001797"]}	done	{"outcome": "confirmed", "package_id": "1153132168000003588", "channel_line_ids": ["5770865121237001792", "5770865121237001793", "5770865121237001794", "5770865121237001795", "5770865121237001796", "5770865121237001797"], "code": null, "message": null}	1	2026-12-07 20:11:41.558076+00	2026-12-07 20:11:41.568323+00
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
-- Data for Name: reauthorization; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.reauthorization (integration_id, deadline, needed, reason) FROM stdin;
tiktok_shop-1e9d6f50	2027-12-07 20:11:40+00	f	\N
tiktok_shop-e7c15160	2027-12-07 20:11:40+00	f	\N
\.


--
-- Data for Name: runs; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.runs (id, integration_id, account_id, flow, started_at, finished_at, ok, summary) FROM stdin;
1	tiktok_shop-1e9d6f50	7494049642642441002	pull_orders	2026-12-07 20:11:41.493296+00	2026-12-07 20:11:41.518173+00	t	{"pages": 1, "orders": 40, "problems": 0, "stream": "orders@7494049642642441002"}
2	tiktok_shop-1e9d6f50	7494049642642441002	push_stock	2026-12-07 20:11:41.519644+00	2026-12-07 20:11:41.544699+00	t	{"levels": 3, "calls": 2, "updated": 2, "unchanged": 0, "unknown_sku": 0, "rejected": 1, "invalid": 0}
3	tiktok_shop-1e9d6f50	7494049642642441002	confirm_shipment	2026-12-07 20:11:41.551128+00	2026-12-07 20:11:41.569875+00	t	{"order_id": "576461413038000112", "calls": 1, "outcomes": ["confirmed"]}
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.schema_migrations (version, name, applied_at) FROM stdin;
1	initial	2026-12-07 20:11:41.415406+00
\.


--
-- Data for Name: stock_ledger; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.stock_ledger (integration_id, account_id, sku, warehouse, quantity, pending, pushed_at) FROM stdin;
tiktok_shop-1e9d6f50	7494049642642441002	BOTTLE-500		5	\N	2026-12-07 20:11:41.54287+00
tiktok_shop-1e9d6f50	7494049642642441002	BOTTLE-750		6	\N	2026-12-07 20:11:41.54287+00
tiktok_shop-1e9d6f50	7494049642642441002	CANDLE-CED		\N	\N	2026-12-07 20:11:41.54287+00
\.


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.tokens (integration_id, access_token, access_expires_at, refresh_token, refresh_expires_at, scopes, extra, version, updated_at) FROM stdin;
tiktok_shop-1e9d6f50	\\x674141414141427246784c394231517762334d386f5a4d55307a48356a41504852645a5f72336d4c473732734872596a6f7550716142445f6761635a79564664766f726448507a7061526f3534432d6561795f367644672d68536e50764553415175355a736f4c4749435a35676735764e716736714a684351735157464a31416676595f776a783876514f4e63516261585a73366b526c2d7154795f2d627765545f315a3346444b79686e4275546a64764e57346770673d	2026-12-14 20:11:40+00	\\x674141414141427246784c39382d7374346754736563383257534164774f306c4352726679787a4c624a744e556670525431437572575a4c4b696f79385935304d694764473858766638794b4b4941457569745a756736304a6d4f6d574e7754696a58454a587036477079496a6f79314d622d466d4f53633230386751656e553568346e705a334339556c7831485661596e425a524959447977303951326b57684f543335364371334d55356379785f5969536b6938773d	2027-12-07 20:11:40+00	["seller.authorization.info", "seller.order.info", "seller.product.basic", "seller.logistics", "seller.fulfillment.basic"]	{"open_id": "7010736057180325696", "seller_name": "Emulator Test Seller", "seller_base_region": "GB", "user_type": 0}	1	2026-12-07 20:11:41.479751+00
tiktok_shop-e7c15160	\\x674141414141427246784c39307876507643446c43523746766c49444a4e6e774b34537774544d79495373756f7745677566792d634c4d5964394f434878455430635164644f43336d6d4e554e77454b65647a38517a594b77314431514571706c737753466261597358435462553778744474364b355a6b4f70315056624f4846683255376c30314345395138766c356b743575344968754330514a587836695564457a434e43644178487848584732636559735168553d	2026-12-14 20:11:40+00	\\x674141414141427246784c39764b6a7870583244707a4b2d54574352596358453737617769514c645466743377746c436e57516971636266735f514a37795a4149655f4756757a6e78594e6d464c56442d56575a6c74534d614667582d546869424c44545a597535386471454267454859654c37795567727a754637335a6678754333544e384463524d31586e456a774c424975524c7649576a6749647a51374375773839744377754a54726a62586d565f367062636b3d	2027-12-07 20:11:40+00	["seller.authorization.info", "seller.order.info", "seller.product.basic", "seller.logistics", "seller.fulfillment.basic"]	{"open_id": "7010736057180325696", "seller_name": "Emulator Test Seller", "seller_base_region": "GB", "user_type": 0}	1	2026-12-07 20:11:41.584393+00
\.


--
-- Data for Name: webhook_events; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.webhook_events (integration_id, event_id, received_at) FROM stdin;
\.


--
-- Name: runs_id_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.runs_id_seq', 3, true);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (integration_id, account_id);


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
-- Name: credentials credentials_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.credentials
    ADD CONSTRAINT credentials_pkey PRIMARY KEY (integration_id);


--
-- Name: cursors cursors_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.cursors
    ADD CONSTRAINT cursors_pkey PRIMARY KEY (integration_id, stream);


--
-- Name: documents documents_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (integration_id, key);


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
-- Name: connect_links_by_integration; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX connect_links_by_integration ON __SCHEMA__.connect_links USING btree (integration_id, created_at);


--
-- Name: intents_by_creation; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX intents_by_creation ON __SCHEMA__.intents USING btree (integration_id, created_at, key);


--
-- Name: runs_by_flow; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX runs_by_flow ON __SCHEMA__.runs USING btree (integration_id, flow, finished_at);


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
-- Name: credentials credentials_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.credentials
    ADD CONSTRAINT credentials_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: cursors cursors_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.cursors
    ADD CONSTRAINT cursors_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


--
-- Name: documents documents_integration_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.documents
    ADD CONSTRAINT documents_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES __SCHEMA__.integrations(id) ON DELETE CASCADE;


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

\unrestrict 4YAB7NlQaKJKZWccgUV8Bvj4wKAKgkLLS0YdgX6uubmthaiXJHbFhDKpasQaJ3u

