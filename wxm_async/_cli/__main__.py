"""``python -m wxm_async._cli``: the same as the ``wxm`` command."""

from . import main

main()
