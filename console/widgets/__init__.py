"""Lineside console."""
