"""The call runtime: one call's session, its listener and voice, admission. No web or database here."""
