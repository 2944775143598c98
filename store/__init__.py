"""The embedded store: officers, requests, assignments and nightly runs in one database.

SQLite by default (a single file, `offduty.db`), PostgreSQL by URL. The schema is managed by
Alembic migrations that `open_store` applies on every open, so a fresh file and an old one both
end up at the current schema. Imports flow `models` <- `scheduler` <- `store` <- `cli`.
"""

import store.console_sessions  # noqa: F401  (its table joins the one metadata, as below)
import store.record_schema  # noqa: F401  (its tables join the one metadata the migrations match)
import store.run_progress  # noqa: F401  (its table joins the one metadata, as above)
from store.db import Store, open_store
from store.settings import StoreSettings

__all__ = ["Store", "StoreSettings", "open_store"]
