"""Lists one log through the official Python SDK and prints the entry IDs, one a line.

Usage: python3 list_ids.py BASE_URL account|insights ACCOUNT_OR_ZONE_ID 'JSON keyword arguments'
"""
import json
import sys

import cloudflare

base, endpoint, owner, kwargs = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
client = cloudflare.Cloudflare(api_token="parity", base_url=base, max_retries=5)
if endpoint == "account":
    entries = client.audit_logs.list(account_id=owner, **kwargs)
else:
    entries = client.security_center.insights.audit_logs.list(zone_id=owner, **kwargs)
for entry in entries:
    print(entry.id)
