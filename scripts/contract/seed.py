"""Seeds a fresh equiptrack with data for the contract test, through the API.

Usage: seed.py BASE_URL ADMIN_TOKEN. Prints the token of a second admin, made here, that the
contract run uses: the run may deactivate or rotate anyone it finds, the first admin included,
and a tester who locks itself out tests nothing but 401s.
"""

import json
import sys
import urllib.error
import urllib.request

BASE, TOKEN = sys.argv[1], sys.argv[2]


def call(method, path, body=None, token=TOKEN, expect=(200, 201)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if status not in expect:
        sys.exit(f"seeding: {method} {path} answered {status}: {text}")
    return json.loads(text) if text else None


def staff(email, name, role):
    return call("POST", "/api/v1/staff", {"email": email, "name": name, "role": role})


def move(tag, what, body, token=TOKEN):
    return call("POST", f"/api/v1/items/{tag}/{what}", body, token=token)


tester = staff("contract-admin@example.org", "Contract Tester", "admin")
stores = staff("stores@example.org", "Sam Stores", "stores")
worker = staff("worker@example.org", "Wren Worker", "worker")
staff("viewer@example.org", "Vic Viewer", "viewer")

call("POST", "/api/v1/equipment-types", {
    "code": "STAIRLIFT-STRAIGHT", "name": "Straight stairlift", "category": "stairlift",
    "manufacturer": "Acme Lifts", "model": "S1",
    "check_rules": [
        {"name": "LOLER thorough examination", "interval_days": 182},
        {"name": "manufacturer service", "interval_days": 365},
    ],
})
call("POST", "/api/v1/equipment-types", {
    "code": "FRAME-WALKING", "name": "Walking frame", "category": "walking_aid",
    "requires_decontamination": False, "check_interval_days": 365,
})
store = call("POST", "/api/v1/locations", {"name": "Main store", "address": "Unit 4, Leeds"})
call("POST", "/api/v1/locations", {"name": "North depot", "kind": "depot"})
clients = [
    call("POST", "/api/v1/clients", {
        "reference": f"SC-{n}", "name": name, "address": f"{n} High Street, Leeds",
        "postcode": postcode, "phone": "0113 496 0000",
    })["id"]
    for n, (name, postcode) in enumerate([("Ann Lee", "LS1 4AP"), ("Bob Cole", "LS6 2AB"), ("Cy Dunn", "LS2 7EW")], 1)
]

w, s, client = worker["id"], stores["id"], clients[0]
tags = [call("POST", "/api/v1/items", {
    "type": "STAIRLIFT-STRAIGHT", "serial_number": f"SN{n}", "batch": "LOT-1", "location_id": store["id"],
})["asset_tag"] for n in range(1, 10)]
frames = [call("POST", "/api/v1/items", {"type": "FRAME-WALKING", "batch": "LOT-7"})["asset_tag"] for _ in range(3)]

# One item in each status: tags[0] stays in store. The document's examples name EQ-000003
# (in use in a home) and EQ-000010 (in a home, under recall 1): keep them so.
move(tags[1], "issue", {"client_id": client, "worker_id": w})                        # issued
for tag in tags[2:5]:                                                                  # in_use
    move(tag, "issue", {"client_id": client, "worker_id": w})
    move(tag, "fit", {"notes": "fitted on the stairs"}, token=worker["token"])
move(tags[3], "checks", {"rule": "manufacturer service", "outcome": "pass"}, token=worker["token"])
move(tags[4], "return", {"notes": "no longer needed"})                                # awaiting_decontamination
move(tags[5], "quarantine", {"reason": "cracked carriage"})                           # quarantined
move(tags[6], "condemn", {"reason_code": "beyond_repair", "reason": "beyond repair"})                                 # condemned
move(tags[7], "issue", {"client_id": clients[1], "worker_id": w})
# A hand-over signed on the screen (a 1 x 1 PNG), so that a signature and its note are served.
move(tags[7], "fit", {"handover": {
    "name": "Joan Example", "relation": "family", "demonstrated": True, "leaflet_left": True,
    "signature_png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
}}, token=worker["token"])
move(tags[7], "checks", {"rule": "LOLER thorough examination", "outcome": "fail", "notes": "rail loose"},
     token=worker["token"])                                                           # quarantined in a home, mail
move(frames[0], "issue", {"client_id": clients[1], "worker_id": w})
move(frames[0], "fit", {}, token=worker["token"])
# A recall of one batch: frames in store stop, the one in a home is listed.
call("POST", "/api/v1/recalls", {"reference": "FSN-2026-041", "title": "Weld may crack",
                                 "type": "FRAME-WALKING", "batch": "LOT-7"})
# A kit of two items in store: the document's examples name KIT-000001.
call("POST", "/api/v1/kits", {"name": "Stairlift and its sling", "members": [tags[0], tags[8]]})
print(tester["token"])
