"""watchlists"""
