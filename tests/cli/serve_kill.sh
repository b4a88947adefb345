#!/usr/bin/env bash
# serve_kill.sh - SIGKILL under concurrent writes, six times: no acknowledged record lost, integrity_check ok (serve_test.py kill)
exec python3 "$(dirname "$0")/serve_test.py" kill "$1"
