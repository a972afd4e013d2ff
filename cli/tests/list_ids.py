"""Lists one log through the official Python SDK and prints the entry IDs, one a line.

Usage: python3 list_ids.py BASE_URL LOG OWNER_ID 'JSON keyword arguments'
LOG: account, insights, insight (the kwargs hold issue_id), user (OWNER_ID unused),
v2-account, v2-organization, history-account and history-organization (the kwargs hold the
entry's id), product-categories, access or scim. An Access event is known by its Ray ID, a
SCIM update by its cf_resource_id, a product category by its value.
"""
import json
import sys

import cloudflare

base, endpoint, owner, kwargs = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
client = cloudflare.Cloudflare(api_token="parity", base_url=base, max_retries=5)
if endpoint == "account":
    entries = client.audit_logs.list(account_id=owner, **kwargs)
elif endpoint == "insights":
    entries = client.security_center.insights.audit_logs.list(zone_id=owner, **kwargs)
elif endpoint == "insight":
    issue = kwargs.pop("issue_id")
    entries = client.security_center.insights.audit_logs.list_by_insight(
        issue, zone_id=owner, **kwargs
    )
elif endpoint == "access":
    # Not paged by the SDK: one page's events.
    entries = client.zero_trust.access.logs.access_requests.list(account_id=owner, **kwargs) or []
elif endpoint == "scim":
    entries = client.zero_trust.access.logs.scim.updates.list(account_id=owner, **kwargs)
elif endpoint == "user":
    entries = client.user.audit_logs.list(**kwargs)
elif endpoint == "v2-account":
    entries = client.accounts.logs.audit.list(account_id=owner, **kwargs)
elif endpoint == "v2-organization":
    entries = client.organizations.logs.audit.list(organization_id=owner, **kwargs)
elif endpoint in ("history-account", "history-organization"):
    # Not paged by the SDK: one page's entries.
    entry_id = kwargs.pop("id")
    if endpoint == "history-account":
        entries = client.accounts.logs.audit.history(entry_id, account_id=owner, **kwargs)
    else:
        entries = client.organizations.logs.audit.history(
            entry_id, organization_id=owner, **kwargs
        )
elif endpoint == "product-categories":
    entries = client.accounts.logs.audit.product_categories(account_id=owner, **kwargs)
else:
    raise SystemExit(f"unknown log {endpoint}")
for entry in entries:
    if endpoint == "access":
        print(entry.rayid)
    elif endpoint == "scim":
        print(entry.cf_resource_id)
    elif endpoint == "product-categories":
        print(entry.value)
    else:
        print(entry.id)
