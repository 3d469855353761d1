-- James's data (users, domains, recipient rewrites, Sieve, mail repositories) for the JPA entities of
-- james-server-data-jpa 3.8.1, as OpenJPA's buildSchema creates them on PostgreSQL, except for the
-- columns widened to text: OpenJPA does not check lengths, so these only remove limits that
-- would refuse real data (a Sieve script over 1 KB, an IPv6 remote address, an error mail with many
-- recipients or a long error, several rewrites of one address joined into one target).

CREATE TABLE james_domain (
    domain_name varchar(255) PRIMARY KEY
);

CREATE TABLE james_user (
    user_name varchar(255) PRIMARY KEY,
    password_hash_algorithm varchar(100) NOT NULL,
    password varchar(255) NOT NULL,
    version integer
);

CREATE TABLE james_recipient_rewrite (
    domain_name varchar(255) NOT NULL,
    user_name varchar(255) NOT NULL,
    target_address text NOT NULL,
    PRIMARY KEY (domain_name, user_name)
);

CREATE TABLE james_sieve_quota (
    user_name varchar(255) PRIMARY KEY,
    size bigint NOT NULL
);

CREATE TABLE james_sieve_script (
    uuid varchar(255) PRIMARY KEY,
    activation_date_time timestamp with time zone,
    is_active boolean NOT NULL,
    script_content text NOT NULL,
    script_name varchar(255) NOT NULL,
    script_size bigint NOT NULL,
    user_name varchar(255) NOT NULL
);
CREATE INDEX james_sieve_script_user_name ON james_sieve_script (user_name);

CREATE TABLE james_mail_repos (
    mail_repo_name varchar(255) PRIMARY KEY
);

CREATE TABLE james_mail_store (
    message_name varchar(255) NOT NULL,
    repository_name varchar(255) NOT NULL,
    error_message text,
    last_updated timestamp without time zone NOT NULL,
    message_attributes text,
    message_body bytea NOT NULL,
    message_state varchar(30) NOT NULL,
    per_recipient_headers text,
    recipients text NOT NULL,
    remote_addr varchar(64) NOT NULL,
    remote_host text NOT NULL,
    sender text,
    PRIMARY KEY (repository_name, message_name)
);

-- Quotas of the mailbox (not JPA: plain JDBC). Limits per scope; a missing row is "not set",
-- -1 is "unlimited".
CREATE TABLE quota_max (
    scope varchar(6) NOT NULL CHECK (scope IN ('global', 'domain', 'user')),
    target text NOT NULL,
    kind varchar(5) NOT NULL CHECK (kind IN ('count', 'size')),
    max_value bigint NOT NULL CHECK (max_value >= -1),
    PRIMARY KEY (scope, target, kind)
);

-- Current usage per quota root, changed only by INSERT ... ON CONFLICT DO UPDATE SET x = x + delta.
CREATE TABLE quota_current (
    quota_root text PRIMARY KEY,
    message_count bigint NOT NULL,
    size bigint NOT NULL
);
