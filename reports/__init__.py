"""fundcheck.reports"""
