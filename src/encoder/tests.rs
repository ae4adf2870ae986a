use super::reference::Reference;
use super::*;

/// Varied texts: every sentence of the seed articles, and their halves,
/// then the awkward cases (long, short, empty, non-Latin, emoji, digits).
fn varied_texts() -> Vec<String> {
    let mut out = Vec::new();
    for seed in [
        include_str!("../../seed/000_c0e1222ed889294c.txt"),
        include_str!("../../seed/004_09e5bb267abffeb6.txt"),
    ] {
        let sentences: Vec<&str> = seed
            .split(['.', '\n'])
            .map(str::trim)
            .filter(|s| s.len() > 3)
            .collect();
        for (i, s) in sentences.iter().enumerate() {
            out.push(s.to_string());
            let words: Vec<&str> = s.split_whitespace().collect();
            if words.len() > 6 {
                out.push(words[..words.len() / 2].join(" "));
                out.push(words[words.len() / 2..].join(" "));
            }
            if let Some(next) = sentences.get(i + 1) {
                out.push(format!("{s}. {next}."));
            }
        }
        // A whole article: past the model's window, cut as the model is.
        out.push(seed.to_string());
    }
    for s in [
        "",
        " ",
        "Yes.",
        "No!",
        "😀😀😀",
        "Ceasefire 🕊️ now? #peace @UN",
        "Президент заявил, что переговоры продолжатся в понедельник.",
        "الأمم المتحدة تحذر من كارثة إنسانية",
        "中国外交部发言人表示，双方将继续谈判。",
        "東京で地震、津波の心配なし",
        "Η κυβέρνηση ανακοίνωσε νέα μέτρα.",
        "Inflation rose to 10.1% in September, from 9.9% in August.",
        "GDP grew 0.2% q/q; unemployment 3.6%; CPI +8.6% y/y.",
        "http://example.com/a?b=c&d=e",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "THE MINISTER SAID THE PLAN WOULD CUT TAXES",
        "the minister said the plan would cut taxes",
        "Café naïve coöperate façade résumé",
        "\t\n",
    ] {
        out.push(s.to_string());
    }
    out
}

#[test]
fn the_int8_path_stays_within_cosine_0_995_of_the_f32_reference() {
    let texts = varied_texts();
    assert!(texts.len() >= 200, "{} texts", texts.len());
    let fast = Encoder::get().embed_batch(&texts);
    let reference = Reference::get();
    let mut worst = (1.0f32, String::new());
    let mut sum = 0.0;
    for (t, v) in texts.iter().zip(&fast) {
        let c = cosine(v, &reference.embed(t));
        sum += c;
        if c < worst.0 {
            worst = (c, t.clone());
        }
    }
    eprintln!(
        "{} texts: mean cosine {:.5}, lowest {:.5} for {:?}",
        texts.len(),
        sum / texts.len() as f32,
        worst.0,
        worst.1
    );
    assert!(worst.0 >= 0.995, "cosine {} for {:?}", worst.0, worst.1);
}

#[test]
fn a_text_encodes_the_same_alone_or_in_any_batch() {
    let texts = varied_texts();
    let e = Encoder::get();
    let batch = e.embed_batch(&texts);
    for i in [0, 7, texts.len() / 2, texts.len() - 1] {
        assert_eq!(e.embed(&texts[i]), batch[i], "{:?}", texts[i]);
    }
    let reversed: Vec<&str> = texts.iter().rev().map(String::as_str).collect();
    let back = e.embed_batch(&reversed);
    assert!(back.iter().rev().eq(batch.iter()));
}

#[test]
fn the_first_rows_worked_out_alone_are_exactly_the_full_pass_first_rows() {
    let e = Encoder::get();
    let texts = varied_texts();
    let tokens: Vec<Vec<Token>> = texts.iter().map(|t| e.tokenize(t)).collect();
    // Alone (attention a task per head in the full pass), a few together,
    // and many (a task per text).
    for group in [&tokens[..1], &tokens[3..6], &tokens[..]] {
        let ids: Vec<u32> = group.iter().flatten().map(|t| t.id).collect();
        let lens: Vec<usize> = group.iter().map(Vec::len).collect();
        let full = e.model.forward(&ids, &lens);
        let first = e.model.forward_first(&ids, &lens);
        assert_eq!(first.len(), lens.len() * DIM);
        let mut at = 0;
        for (i, &len) in lens.iter().enumerate() {
            assert_eq!(
                first[i * DIM..(i + 1) * DIM],
                full[at * DIM..(at + 1) * DIM],
                "text {i} of {}",
                lens.len()
            );
            at += len;
        }
    }
}

#[test]
fn token_outputs_are_the_pooled_embeddings_parts() {
    let e = Encoder::get();
    let texts = [
        "The UN fears a humanitarian catastrophe.",
        "",
        "A truce, he said.",
    ];
    let encoded = e.encode_batch(&texts);
    for (t, enc) in texts.iter().zip(&encoded) {
        assert_eq!(enc.tokens, e.tokenize(t));
        assert_eq!(enc.hidden.len(), enc.tokens.len() * DIM);
        assert_eq!(enc.embedding, e.embed(t));
    }
    // The pieces of "humanitarian" point back at that word.
    let t = &encoded[0].tokens;
    assert!(t.iter().any(|k| &texts[0][k.start..k.end] == "humanitarian"
        || texts[0][k.start..k.end].starts_with("humanit")));
}

#[test]
fn a_paraphrase_is_closer_than_a_text_that_shares_no_meaning() {
    let e = Encoder::get();
    let a = e.embed("A man is playing a guitar.");
    let b = e.embed("Someone plays the guitar.");
    let c = e.embed("The stock market fell sharply.");
    assert!((cosine(&a, &a) - 1.0).abs() < 1e-4);
    // The f32 model gives 0.84 and -0.06: int8 stays close.
    assert!(cosine(&a, &b) > 0.75, "{}", cosine(&a, &b));
    assert!(cosine(&a, &c) < 0.15, "{}", cosine(&a, &c));
}

#[test]
fn the_embedding_is_unit_length_for_any_text() {
    let texts = varied_texts();
    for (t, v) in texts.iter().zip(Encoder::get().embed_batch(&texts)) {
        assert_eq!(v.len(), DIM);
        let n: f32 = v.iter().map(|x| x * x).sum();
        assert!((n - 1.0).abs() < 1e-3, "{t:?}: {n}");
    }
}
