"""Test against a fake WXM instead of the cloud.

``FakeWXM`` is an ASGI app that answers like WXM: its login with the answers and errors
WXM gives, bearer and Basic checks, WXM's 401 body, token lifetime and revocation, and
counters a test can read. Run it in process:

```python
fake = FakeWXM()
auth = WXMAuth(FAKE_USERNAME, FAKE_PASSWORD)  # the fake's default account
async with httpx.AsyncClient(transport=fake.transport(), base_url=WXM_FAKE_URL, auth=auth) as http:
    ...
```

or on a loopback socket with ``serve(fake)`` (needs the ``testing`` extra).
"""

from .._public import publish as _publish
from ._accounts import FAKE_PASSWORD, FAKE_USERNAME
from ._fake import DENIED_MESSAGE, WXM_FAKE_URL, FakeWXM
from ._faults import RateLimit
from ._pause import LoginPause
from ._server import serve

__all__ = [
    "DENIED_MESSAGE",
    "FAKE_PASSWORD",
    "FAKE_USERNAME",
    "WXM_FAKE_URL",
    "FakeWXM",
    "LoginPause",
    "RateLimit",
    "serve",
]

_publish(__name__, globals())
