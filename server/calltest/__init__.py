"""Scripted calls over the socket: the rep client, call scripts, expectations, the pytest plugin, the bench."""
