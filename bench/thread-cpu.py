# Per-thread CPU of every process, sampled every 0.2 s from /proc/*/task/*/stat: who took the cores during a stall
# (bench/RESULTS.md, session 8). Usage: python3 bench/thread-cpu.py OUT.txt & ... ; kill %1. Each line: wall time,
# total ticks (1 tick = 10 ms) in the interval, the top 8 threads as name:pid/tid=ticks.
import os, time, sys
out = open(sys.argv[1], 'w')
def snap():
    d = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            for tid in os.listdir(f'/proc/{pid}/task'):
                with open(f'/proc/{pid}/task/{tid}/stat') as f: s = f.read()
                name = s[s.index('(')+1:s.rindex(')')]
                parts = s[s.rindex(')')+2:].split()
                d[(pid, tid)] = (name, int(parts[11]) + int(parts[12]))
        except Exception: pass
    return d
prev = snap(); pt = time.time()
while True:
    time.sleep(0.2)
    cur = snap(); t = time.time()
    deltas = []
    for k, (name, ticks) in cur.items():
        if k in prev: 
            dd = ticks - prev[k][1]
            if dd > 0: deltas.append((dd, k[0], k[1], name))
    deltas.sort(reverse=True)
    total = sum(x[0] for x in deltas)
    out.write(f"{t:.2f} total={total} " + ' '.join(f"{n}:{p}/{tid}={dd}" for dd, p, tid, n in deltas[:8]) + '\n'); out.flush()
    prev = cur; pt = t
