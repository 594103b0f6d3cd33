"""fundcheck.expectations"""
