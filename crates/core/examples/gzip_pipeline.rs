//! Measures whether reading a gzip file pays with two stages, inflating on
//! one thread and parsing on another, against one thread doing both (what
//! `verdict` does). Both runs must give the same summary.
//!
//! usage: gzip_pipeline FILE.gz [ROUNDS]

use std::io::Read;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use verdict_core::{IngestOptions, Session};

const CHUNK: usize = 256 * 1024;

fn one_thread(path: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut file = std::fs::File::open(path)?;
    let mut s = Session::new(path, IngestOptions::default());
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        s.feed(&buf[..n])?;
    }
    Ok(serde_json::to_string(&s.finish()?.summary())?)
}

fn two_stages(path: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (tx, rx) = sync_channel::<Vec<u8>>(4);
    let file = std::fs::File::open(path)?;
    let inflater = std::thread::spawn(move || -> std::io::Result<()> {
        let mut gz =
            flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(CHUNK, file));
        loop {
            let mut buf = vec![0u8; CHUNK];
            let mut n = 0;
            while n < CHUNK {
                let k = gz.read(&mut buf[n..])?;
                if k == 0 {
                    break;
                }
                n += k;
            }
            if n == 0 {
                return Ok(());
            }
            buf.truncate(n);
            if tx.send(buf).is_err() {
                return Ok(());
            }
        }
    });
    let mut s = Session::new(path, IngestOptions::default());
    for chunk in rx {
        s.feed(&chunk)?;
    }
    inflater.join().map_err(|_| "inflater panicked")??;
    Ok(serde_json::to_string(&s.finish()?.summary())?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: gzip_pipeline FILE.gz [ROUNDS]")?;
    let rounds: usize = args.get(2).map_or(Ok(5), |r| r.parse())?;
    let mut best = [f64::MAX; 2];
    let mut want = None;
    for _ in 0..rounds {
        for (i, f) in [one_thread, two_stages].iter().enumerate() {
            let t = Instant::now();
            let got = f(path)?;
            best[i] = best[i].min(t.elapsed().as_secs_f64());
            match &want {
                None => want = Some(got),
                Some(w) if *w != got => return Err("the two ways disagree".into()),
                Some(_) => {}
            }
        }
    }
    println!(
        "one thread {:.3} s, inflate and parse on two threads {:.3} s (best of {rounds}); ratio {:.2}",
        best[0],
        best[1],
        best[1] / best[0]
    );
    Ok(())
}
