# Sourced by bench/cpu-per-event.sh and bench/http-client/run.sh: a downstream that costs little
# CPU, nginx `return 200` with one worker and no access log, on 127.0.0.1.
#
# start_nginx_sink DIR PORT: writes DIR/nginx.conf (pid and error log under DIR) and starts it.
# stop_nginx_sink DIR: stops the one started on DIR.
start_nginx_sink() {
  local dir=$1 port=$2
  mkdir -p "$dir/logs"
  cat > "$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$port; location / { return 200; } } }
NGINX
  nginx -p "$dir" -c nginx.conf
}

stop_nginx_sink() {
  nginx -p "$1" -c nginx.conf -s stop
}
