"""fundcheck.checks"""
