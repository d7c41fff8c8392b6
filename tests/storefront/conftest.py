"""The shop's pages in NiceGUI's `user` fixture: `app.py`'s `main()` in-process, as the admin's tests run it."""

from tests.admin.conftest import admin_env, demo_products, user  # noqa: F401  (fixtures shared with the admin's tests)
