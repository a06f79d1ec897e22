"""The read-only REST API: serializers, views, urls, permissions and the tokens scripts use."""
