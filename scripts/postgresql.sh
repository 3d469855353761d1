# Sourced by run.sh and test.sh: finds the PostgreSQL to use, starts the local one if it is installed
# but stopped, and creates James's role and database on it.
# Usage: ensure_postgresql HOST PORT [install]
#   With "install" (tests, CI), a missing local server is installed from Debian's packages when we are root.

postgresql_reachable() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

ensure_postgresql() {
  local host=$1 port=$2 mode=${3:-} version
  postgresql_reachable "$host" "$port" && return 0
  case "$host" in
    127.0.0.1|localhost) ;;
    *) echo "PostgreSQL is not reachable at $host:$port (a remote server: start it there, or change database.url in james-database.properties)."; return 1 ;;
  esac
  if ! command -v pg_ctlcluster >/dev/null && [ "$mode" = install ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing postgresql from Debian's packages..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql)" ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "Starting the local PostgreSQL $version (pg_ctlcluster $version main start)..."
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do
      postgresql_reachable "$host" "$port" && return 0
      sleep 1
    done
  fi
  echo "PostgreSQL is not reachable at $host:$port: install it (apt-get install postgresql) or set database.url in james-conf/james-database.properties."
  return 1
}

# Runs psql as the server's superuser: over TCP as "postgres" when the server trusts it, else (root on
# the server's machine) through the local socket as the postgres system user.
postgresql_admin() {
  local host=$1 port=$2; shift 2
  if PGCONNECT_TIMEOUT=5 psql -h "$host" -p "$port" -U postgres -w -d postgres -qAtc 'SELECT 1' >/dev/null 2>&1; then
    psql -h "$host" -p "$port" -U postgres -w -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
  elif [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
    (cd / && runuser -u postgres -- psql -p "$port" -d postgres -v ON_ERROR_STOP=1 -qAt "$@")
  else
    return 1
  fi
}

# Names that go into SQL unquoted: lower-case letters, digits and _ only.
postgresql_identifier() {
  [[ $2 =~ ^[a-z_][a-z0-9_]{0,62}$ ]] && return 0
  echo "james-database.properties: $1 '$2' is not a plain PostgreSQL name (a-z, 0-9, _): create it yourself, or rename it."
  return 1
}

# Usage: ensure_postgresql_role HOST PORT ROLE PASSWORD_FILE [DATABASE]
# The role (LOGIN, CREATEDB) with the password in PASSWORD_FILE, generated there (mode 600) on first use,
# and DATABASE owned by it if missing.
ensure_postgresql_role() {
  local host=$1 port=$2 role=$3 password_file=$4 database=${5:-} password
  postgresql_identifier database.username "$role" || return 1
  if [ ! -s "$password_file" ]; then
    (umask 077 && mkdir -p "$(dirname "$password_file")" && openssl rand -hex 24 > "$password_file")
  fi
  password=$(cat "$password_file")
  if ! postgresql_admin "$host" "$port" -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN CREATE ROLE $role LOGIN CREATEDB; END IF;
      ALTER ROLE $role PASSWORD '$password'; END \$\$;"; then
    echo "Could not create the PostgreSQL role $role at $host:$port (needs root here, or a server that trusts user postgres):"
    echo "create it yourself and set database.username and database.password in james-database.properties."
    return 1
  fi
  [ -z "$database" ] || ensure_postgresql_database "$host" "$port" "$database" "$role"
}

# Usage: ensure_postgresql_database HOST PORT DATABASE [OWNER]
ensure_postgresql_database() {
  local host=$1 port=$2 database=$3 owner=${4:-postgres} exists
  postgresql_identifier "the database in database.url" "$database" || return 1
  if ! exists=$(postgresql_admin "$host" "$port" -c "SELECT 1 FROM pg_database WHERE datname = '$database'"); then
    echo "Could not check for the PostgreSQL database $database at $host:$port: create it yourself if it is missing."
    return 0
  fi
  if [ -z "$exists" ]; then
    echo "Creating the PostgreSQL database $database (owner $owner)..."
    postgresql_admin "$host" "$port" -c "CREATE DATABASE $database OWNER $owner"
  fi
}
