"""The call runtime: a call's session, listener, voice and admission; no web or database."""
