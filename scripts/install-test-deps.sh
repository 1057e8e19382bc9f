#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, once: the tests use real processes and real
# file systems (tmpfs for the full-disk test), so they need mount (util-linux) and procps; the web
# UI's browser tests drive Debian's Chromium (no browser download is needed).
set -euo pipefail
need=()
command -v mount >/dev/null || need+=(mount)
command -v pkill >/dev/null || need+=(procps)
# Real log shippers for the ingestion tests (tests/Vigie.Shippers.Tests): a Docker daemon and a
# busybox to build its test image from, rsyslog, logger, the Python Fluent and Ruby GELF libraries.
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || need+=(busybox-static)
command -v rsyslogd >/dev/null || need+=(rsyslog)
command -v logger >/dev/null || need+=(bsdutils)
/usr/bin/python3 -c 'import fluent.sender' 2>/dev/null || need+=(python3-fluent-logger)
ruby -e 'require "gelf"' 2>/dev/null || need+=(ruby-gelf)
command -v npm >/dev/null || need+=(npm)
# The agent's file tests rotate with the real logrotate (its journal tests use systemd-journal-remote, below).
command -v logrotate >/dev/null || [ -x /usr/sbin/logrotate ] || need+=(logrotate)
# syslog-ng conflicts with rsyslog as a package: it is unpacked below, its libraries installed here.
for lib in libivykis0 libnet1 libwrap0 libjson-c5; do
  dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib")
done
# The web UI's browser tests (tests/Vigie.Web.BrowserTests) drive Debian's Chromium.
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
# The agent's native executable (src/Vigie.Agent.Host, Native AOT, built by bench/Vigie.DockerBench --agent) links with a C toolchain and zlib.
command -v clang >/dev/null || command -v gcc >/dev/null || need+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
# The agent's image test copies OpenSSL and the CA certificates into its base image; the unit test runs systemd-analyze.
/sbin/ldconfig -p | grep 'libssl\.so\.3 ' >/dev/null || need+=(openssl)
[ -f /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
command -v systemd-analyze >/dev/null || need+=(systemd)
# The store compresses with the system's zstd library when it loads (a test checks both implementations).
dpkg -s libzstd1 >/dev/null 2>&1 || need+=(libzstd1)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need root to install: ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

# HTTP protocol clients (tests/Vigie.Clients.Tests): rsyslog's omelasticsearch, systemd-journal-upload,
# and the npm clients (winston-loki, @elastic/elasticsearch) into the project's git-ignored node_modules.
http_need=()
[ -x /usr/sbin/rsyslogd ] || http_need+=(rsyslog)
ls /usr/lib/*/rsyslog/omelasticsearch.so >/dev/null 2>&1 || http_need+=(rsyslog-elasticsearch)
[ -x /lib/systemd/systemd-journal-upload ] || [ -x /usr/lib/systemd/systemd-journal-upload ] || http_need+=(systemd-journal-remote)
command -v node >/dev/null || http_need+=(nodejs)
command -v npm >/dev/null || http_need+=(npm)
if [ ${#http_need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need root to install: ${http_need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${http_need[@]}"
fi
js_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/Vigie.Clients.Tests/js"
if [ ! -d "$js_dir/node_modules" ] || [ "$js_dir/package.json" -nt "$js_dir/node_modules" ]; then
  (cd "$js_dir" && npm install --no-audit --no-fund --loglevel=error && touch node_modules)
fi
# npm packages of the shipper tests, into a git-ignored folder beside their package.json.
shippers="$(cd "$(dirname "$0")/.." && pwd)/tests/Vigie.Shippers.Tests"
if [ ! -d "$shippers/node_modules/gelf-pro" ]; then
  (cd "$shippers" && npm install --no-audit --no-fund --loglevel=error)
fi
# syslog-ng, unpacked into a git-ignored folder (run with --module-path and LD_LIBRARY_PATH).
if [ ! -x "$shippers/syslog-ng/usr/sbin/syslog-ng" ]; then
  download="$(mktemp -d)"
  (cd "$download" && apt-get download syslog-ng-core >/dev/null 2>&1 || { apt-get update -qq && apt-get download syslog-ng-core; })
  dpkg-deb -x "$download"/syslog-ng-core_*.deb "$shippers/syslog-ng"
  rm -rf "$download"
fi
