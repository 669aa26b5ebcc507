"""Django's SQLite backend (the development default, under var/), making the database file's
folder on first connection rather than when the settings are loaded."""

from pathlib import Path

from django.db.backends.sqlite3 import base

from jisreview.folders import folder_make


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        database = conn_params["database"]
        if not self.creation.is_in_memory_db(database):
            folder_make(Path(database).parent, purpose="the SQLite database")
        return super().get_new_connection(conn_params)
