{ "targets": [ { "target_name": "demo_addon", "sources": [ "addon.c" ] } ] }
