#!/usr/bin/env bash
# Serve a development site: web, Celery worker and beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f .env ]; then
  secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
  cat > .env <<ENV
# Written by make run for a development site. Never use these values in production.
DEBUG=True
SECRET_KEY=$secret
# Demo values (555-01xx numbers are fictional): pages and emails show how to reach the
# program, and a supporter who flags a safety concern sees whom to call.
PROGRAM_CONTACT_EMAIL=peer-support@example.org
PROGRAM_CONTACT_PHONE=604 555 0100
PROGRAM_URGENT_PHONE=604 555 0199
ENV
  echo "run: wrote .env for a development site"
fi
if ! grep -q '^FIELD_ENCRYPTION_KEY=' .env; then
  # Encrypts second-factor secrets; an .env written before it existed gets one too.
  field_key=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
  echo "FIELD_ENCRYPTION_KEY=$field_key" >> .env
  echo "run: added FIELD_ENCRYPTION_KEY to .env"
fi

.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py backfill_business_days
.venv/bin/python manage.py seed_demo

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A peersupport worker --loglevel=INFO --concurrency=2 &
pids+=($!)
.venv/bin/celery -A peersupport beat --loglevel=INFO --schedule=.venv/celerybeat-schedule &
pids+=($!)
echo
echo "Peer Support is running at http://127.0.0.1:8000  (Ctrl-C stops web, worker and beat)"
echo "Signing in asks for a code after the password: print a demo account's current code with"
echo "  .venv/bin/python manage.py demo_totp admin@demo.peersupport.test"
echo
.venv/bin/python manage.py runserver 127.0.0.1:8000 &
pids+=($!)
wait -n "${pids[@]}"
