"""The web app: app factory and state, the call socket, REST routes, auth, pages."""
