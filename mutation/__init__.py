"""Mutation testing: one config per module (<name>.toml) and the test database plugin (db_slot.py)."""
