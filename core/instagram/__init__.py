"""instagram"""
