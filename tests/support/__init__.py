"""Test support: scripted engines at the model boundary and a driver for the real CallSession."""
