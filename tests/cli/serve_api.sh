#!/usr/bin/env bash
# serve_api.sh - gabasim serve over HTTP: JSON API = the command line, security checks, database (serve_test.py api)
exec python3 "$(dirname "$0")/serve_test.py" api "$1"
