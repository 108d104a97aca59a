"""schemathesis hooks for scripts/contract-test.sh (loaded through SCHEMATHESIS_HOOKS).

An Idempotency-Key binds the first request sent with it: the same key with another request
is refused (422), and with the same one answers the first answer again. schemathesis draws
its values from a small space and sends the same ones to many operations, so in every
request meant to be accepted the key is made a fresh one here: each is a request of its
own, as a client's would be. A request meant to be refused keeps its headers as drawn (a
changed header makes schemathesis judge the case again, and a case missing its
Authorization header would then be sent with it); whatever it is answered, a refusal, or
the same refusal again, it is still refused. An invalid key stays invalid, so the refusal
of a malformed key is still tested; one that is invalid only by whitespace at its ends,
which HTTP strips on the way (making it a valid key), is sent empty instead, which is just
as invalid and arrives as sent.
"""

import re
import uuid

import schemathesis

HEADER = "Idempotency-Key"
VALID = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def before_call(ctx, case, kwargs):
    headers = case.headers
    if not headers or HEADER not in headers:
        return
    key = headers[HEADER]
    if not isinstance(key, str):
        return
    meta = case.meta
    refused = meta is not None and not meta.generation.mode.is_positive
    if VALID.match(key):
        if not refused:
            headers[HEADER] = f"contract-{uuid.uuid4()}"
    elif VALID.match(key.strip(" \t")):
        headers[HEADER] = ""
