"""Container healthcheck: ``python -m humanitech.healthcheck`` exits 0 when /healthz says 200.

The probe connects to gunicorn on loopback but must name a host Django accepts: production
``ALLOWED_HOSTS`` holds the public domain only, and a bare ``127.0.0.1`` would get a 400.
No Django import: the check stays cheap and works even when settings fail to load.
"""

import os
import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8000/healthz"


def probe_host(allowed_hosts: str) -> str:
    """The first concrete host of ``DJANGO_ALLOWED_HOSTS`` (``.example.org`` → ``example.org``)."""
    for host in allowed_hosts.split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    host = probe_host(os.environ.get("DJANGO_ALLOWED_HOSTS", ""))
    request = urllib.request.Request(URL, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 (a fixed loopback URL)
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
