// CPU time by thread, from /proc (Linux). `threadTimes()` is what test/eval/warm.mjs reads
// around each round. Preloaded into the benchmarked zhclean (node --require), it writes the
// times at exit to the file named by ZHCLEAN_THREAD_CPU. With no worker pool, the other
// threads are V8's helpers (its optimising compiler, the concurrent garbage collector) and
// libuv's pool: their share is the price of compiling the pipeline again in every process,
// which the benchmark reports beside the total.
'use strict';
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');

/** CPU seconds (user + system) of this process's main thread and of all its other threads. */
function threadTimes() {
  const ticks = 100; // USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on Linux
  let main = 0;
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    let stat;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // a thread that ended meanwhile
    }
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
    if (Number(tid) === process.pid) main += cpu;
    else others += cpu;
  }
  return { main, others };
}
exports.threadTimes = threadTimes;

const target = process.env.ZHCLEAN_THREAD_CPU;
if (target) process.on('exit', () => writeFileSync(target, JSON.stringify(threadTimes())));
