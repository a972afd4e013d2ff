"""Lists every entry of one log through the official Python SDK and prints the seconds taken.

Usage: python3 python_sdk.py BASE_URL account|insights
"""
import sys
import time

import cloudflare

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
ZONE = "9a7806061c88ada191ed06f989cc3dac"

base, endpoint = sys.argv[1], sys.argv[2]
client = cloudflare.Cloudflare(api_token="bench", base_url=base, max_retries=0)
started = time.perf_counter()
if endpoint == "account":
    entries = sum(1 for _ in client.audit_logs.list(account_id=ACCOUNT, per_page=1000))
else:
    entries = sum(1 for _ in client.security_center.insights.audit_logs.list(zone_id=ZONE, per_page=1000))
elapsed = time.perf_counter() - started
assert entries > 0, "the SDK listed nothing"
print(f"{elapsed:.6f}")
