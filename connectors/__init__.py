"""fundcheck.connectors"""
