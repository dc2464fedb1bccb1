#!/bin/sh
# docker-basico: what the official image's entrypoint does that the pages rely on.
# When the command is nginx, run the scripts in /docker-entrypoint.d/ (none here) and
# say so; then, whatever the command, exec it as PID 1.
set -e

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    if [ -d /docker-entrypoint.d ] && [ -n "$(ls -A /docker-entrypoint.d)" ]; then
        echo "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
        for f in /docker-entrypoint.d/*.sh; do
            [ -x "$f" ] && echo "$0: Launching $f" && "$f"
        done
    else
        echo "$0: No files found in /docker-entrypoint.d/, skipping configuration"
    fi
    echo "$0: Configuration complete; ready for start up"
fi

exec "$@"
