"""Scripted calls over the socket: rep client, call scripts, expectations, pytest plugin, bench."""
