#!/bin/sh
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d):
# a role and database for Temporal's two stores, and a role and database for dondoc.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE temporal LOGIN PASSWORD '${TEMPORAL_DB_PASSWORD}';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE ROLE dondoc LOGIN PASSWORD '${DONDOC_DB_PASSWORD}';
CREATE DATABASE dondoc OWNER dondoc;
SQL
