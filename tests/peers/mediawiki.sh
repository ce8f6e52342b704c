#!/bin/bash
# A throw-away MediaWiki 1.39 (Debian's package, code read-only in /usr/share/mediawiki) on 127.0.0.1 under
# `php -S`, with its database, uploads and configuration in DIR. A bot password for Admin is created, so the
# client logs in as "Admin@ci" with the password in DIR/bot_password.
#   mediawiki.sh start DIR [--upload-max SIZE] [--workers N] [--stash-max-age SECONDS]
#   mediawiki.sh stop DIR
#   mediawiki.sh php DIR SCRIPT [ARGS…]       run a maintenance script against the wiki in DIR
#   mediawiki.sh expire-sessions DIR          delete every session (a faithful session expiry)
#
# --upload-max sets PHP's upload_max_filesize (default 4M; post_max_size is one MiB more), so a direct upload
# of a larger file fails the way it does on a real server while a chunked upload in smaller chunks succeeds.
# Sessions live in the SQLite object cache (DIR/data/wikicache.sqlite, table objectcache): deleting its rows
# in the middle of a run logs every client out. Jobs (async chunk assembly and publishing) run in the
# wiki's own job runner (runJobs.php --wait) in the same process group. The wiki has no lag, so maxlag
# answers come from tests/peers/mwproxy.py.
#
# Files written: DIR/port, DIR/pid (process-group leader), DIR/api (the api.php URL), DIR/bot_user,
# DIR/bot_password, DIR/admin_password, DIR/LocalSettings.php, DIR/images/, DIR/data/, DIR/logs/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mw=/usr/share/mediawiki
cmd=${1:-} dir=${2:-}
if [ -z "$dir" ]; then
    echo "usage: $0 start|stop|php|expire-sessions DIR …" >&2
    exit 2
fi

random_hex() {
    # Bot passwords must match ^[0-9a-w]{32,}$ or action=login silently skips the bot-password path.
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

case $cmd in
start)
    shift 2
    upload_max=4M workers=4 stash_age=21600
    while [ $# -gt 0 ]; do
        case $1 in
        --upload-max) upload_max=$2; shift ;;
        --workers) workers=$2; shift ;;
        --stash-max-age) stash_age=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
        esac
        shift
    done
    if [ ! -f "$mw/maintenance/install.php" ] || ! command -v php >/dev/null; then
        echo "MediaWiki is not installed (apt-get install --no-install-recommends mediawiki php-cli" \
            "php-sqlite3 php-intl php-mbstring)" >&2
        exit 1
    fi
    dir=$(cd "$dir" 2>/dev/null && pwd || { mkdir -p "$dir" && cd "$dir" && pwd; })
    mkdir -p "$dir/data" "$dir/images" "$dir/logs" "$dir/tmp"
    port=$(free_port)
    admin_password=$(random_hex 16)
    bot_password=$(random_hex 16)
    export MW_CONFIG_FILE=$dir/LocalSettings.php
    rm -f "$MW_CONFIG_FILE"
    php "$mw/maintenance/install.php" --dbtype=sqlite --dbpath="$dir/data" --dbname=testwiki \
        --server="http://127.0.0.1:$port" --scriptpath= --lang=en --pass="$admin_password" \
        --confpath="$dir" TestWiki Admin >"$dir/logs/install.log" 2>&1 || {
        tail -n 20 "$dir/logs/install.log" >&2
        exit 1
    }
    cat >>"$MW_CONFIG_FILE" <<PHP

# --- Gatehouse test peer (tests/peers/mediawiki.sh) ---
\$wgEnableUploads = true;
\$wgUploadDirectory = "$dir/images";
\$wgUploadPath = "/images";
\$wgTmpDirectory = "$dir/tmp";
\$wgFileExtensions = array_merge( \$wgFileExtensions, [ 'tif', 'tiff', 'jp2', 'pdf', 'xml', 'txt' ] );
\$wgStrictFileExtensions = false;
\$wgMaxUploadSize = 2 * 1024 * 1024 * 1024;
\$wgUploadStashMaxAge = $stash_age;
\$wgEnableAsyncUploads = true;
\$wgRateLimits = [];
\$wgMainCacheType = CACHE_DB;
\$wgSessionCacheType = CACHE_DB;
\$wgParserCacheType = CACHE_DB;
\$wgJobRunRate = 1;
\$wgRunJobsAsync = false;
# Upload jobs are kept out of the default queue for dedicated runners; this wiki has one runner for all.
\$wgJobTypesExcludedFromDefaultQueue = [];
\$wgShowExceptionDetails = true;
\$wgDebugLogGroups = [ 'exception' => "$dir/logs/exception.log", 'error' => "$dir/logs/error.log" ];
\$wgUseInstantCommons = false;
\$wgEnableUploadStash = true;
\$wgFileBlacklist = [];
\$wgMimeTypeBlacklist = [];
\$wgVerifyMimeType = true;
PHP
    cat >"$dir/router.php" <<PHP
<?php
// Serves uploaded files from the test wiki's own folder; everything else is MediaWiki.
\$path = parse_url(\$_SERVER['REQUEST_URI'], PHP_URL_PATH);
if (strncmp(\$path, '/images/', 8) === 0) {
    \$file = realpath('$dir/images/' . rawurldecode(substr(\$path, 8)));
    if (\$file === false || strncmp(\$file, '$dir/images/', strlen('$dir/images/')) !== 0 || !is_file(\$file)) {
        http_response_code(404);
        return true;
    }
    header('Content-Length: ' . filesize(\$file));
    header('Content-Type: ' . (mime_content_type(\$file) ?: 'application/octet-stream'));
    readfile(\$file);
    return true;
}
return false;
PHP
    php "$mw/maintenance/createBotPassword.php" --appid ci \
        --grants basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile,delete \
        Admin "$bot_password" >"$dir/logs/botpassword.log" 2>&1 || {
        cat "$dir/logs/botpassword.log" >&2
        exit 1
    }
    echo "$admin_password" >"$dir/admin_password"
    echo "Admin@ci" >"$dir/bot_user"
    echo "$bot_password" >"$dir/bot_password"
    echo "http://127.0.0.1:$port/api.php" >"$dir/api"
    post_max=$(( $(numfmt --from=iec "$upload_max") + 1048576 ))
    # One process group: the PHP server with its workers, and a job runner (API requests never run jobs
    # themselves, and async uploads are jobs), as a real wiki has.
    export MW_CONFIG_FILE=$dir/LocalSettings.php PHP_CLI_SERVER_WORKERS=$workers
    setsid bash -c '
        php -d upload_max_filesize="$1" -d post_max_size="$2" -d memory_limit=512M -d max_execution_time=300 \
            -d sys_temp_dir="$3/tmp" -d upload_tmp_dir="$3/tmp" -S "127.0.0.1:$4" -t "$5" "$3/router.php" \
            >"$3/logs/server.log" 2>&1 &
        php -d memory_limit=512M "$5/maintenance/runJobs.php" --wait >"$3/logs/jobs.log" 2>&1 &
        wait' jobs "$upload_max" "$post_max" "$dir" "$port" "$mw" </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/pid"
    if ! wait_for_port "$port" 20; then
        tail -n 20 "$dir/logs/server.log" >&2
        stop_group "$dir"
        exit 1
    fi
    # The first request builds the localisation cache; do it now so no test's first request times out.
    if ! curl -sf -o /dev/null --max-time 120 "http://127.0.0.1:$port/api.php?action=query&meta=siteinfo&format=json"; then
        echo "the wiki on port $port does not answer its API:" >&2
        tail -n 20 "$dir/logs/server.log" >&2
        stop_group "$dir"
        exit 1
    fi
    echo "$port" >"$dir/port"
    ;;
stop)
    stop_group "$dir"
    ;;
php)
    shift 2
    script=$1
    shift
    MW_CONFIG_FILE=$dir/LocalSettings.php php "$mw/maintenance/$script" "$@"
    ;;
expire-sessions)
    "$PYTHON3" - "$dir/data/wikicache.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
n = db.execute("DELETE FROM objectcache WHERE keyname LIKE '%:MWSession:%'").rowcount
db.commit()
print(n)
PY
    ;;
*)
    echo "usage: $0 start|stop|php|expire-sessions DIR …" >&2
    exit 2
    ;;
esac
