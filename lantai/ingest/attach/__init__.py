"""数字化挂接: attaching the scans of registered paper records to them, in bulk, by 档号.

A digitisation run (the archive's own scanning room or a vendor's 数字化成果) delivers a folder
or zip of page images and PDFs named after the records' 档号. :mod:`.match` (Django-free) turns
the names into one group of pages per 档号; :mod:`.run` checks the files (the 四性检测 items that
concern content) and attaches them as a receiving batch of its own, all-or-nothing.
"""
