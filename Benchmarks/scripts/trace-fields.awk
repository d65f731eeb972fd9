# The baseline issue 14 measures `mmscope stats` against: one pass over a kernel trace (ftrace,
# trace-cmd report or perf script text) pulling, from every event line, the event name, the
# address or pfn, and the size or order, and counting events per name.
#   awk -f Benchmarks/scripts/trace-fields.awk TRACE.txt
{
  name = ""; addr = ""; size = ""
  for (i = 1; i <= NF; i++) {
    f = $i
    if (name == "" && f ~ /:$/ && f ~ /^(vmalloc:|kmem:)?(alloc_vmap_area|free_vmap_area_noflush|purge_vmap_area_lazy|mm_page_[a-z_]+):$/) {
      name = f; sub(/:$/, "", name); sub(/^[a-z]+:/, "", name)
    } else if (f ~ /^(va_start=|pfn=|start=)/) {
      addr = substr(f, index(f, "=") + 1)
    } else if (f == "va_start:") {
      addr = $(i + 1)
    } else if (f ~ /^(size=|order=|nr_lazy=)/) {
      if (size == "") size = substr(f, index(f, "=") + 1)
    }
  }
  if (name != "") { count[name]++; if (addr != "") addrs++; if (size != "") sizes++ }
}
END {
  for (n in count) printf "%s %d\n", n, count[n]
  printf "with address %d, with size or order %d\n", addrs, sizes
}
