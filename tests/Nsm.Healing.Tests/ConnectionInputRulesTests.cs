namespace Nsm.Healing.Tests;

/// <summary>Hostile text and label maps, judged by the rules the client and the silo share.</summary>
public sealed class ConnectionInputRulesTests
{
    [Theory]
    [InlineData("9f3c-conn")]
    [InlineData("")]
    [InlineData("emoji-\U0001F600-pair")]
    [InlineData("ünïcödé")]
    public void Well_formed_text_has_no_problem(string text) =>
        Assert.Null(ConnectionInputRules.FindTextProblem(text));

    // A table in code, not [InlineData]: the test runner's discovery mangles lone surrogates in attribute data.
    [Fact]
    public void Lone_surrogates_and_the_replacement_character_are_named_with_their_place()
    {
        (string Text, string Problem)[] cases =
        [
            ("ab\uD800", "is not valid UTF-16: lone surrogate U+D800 at index 2"),
            ("\uDC00ab", "is not valid UTF-16: lone surrogate U+DC00 at index 0"),
            ("a\uDC00\uD800b", "is not valid UTF-16: lone surrogate U+DC00 at index 1"),
            ("ab\uFFFD", "contains U+FFFD at index 2, the mark of text damaged by invalid UTF-8 or UTF-16"),
        ];

        Assert.All(cases, c => Assert.Equal(c.Problem, ConnectionInputRules.FindTextProblem(c.Text)));
    }

    [Fact]
    public void Up_to_the_label_count_limit_is_fine_and_one_more_is_not()
    {
        var labels = Enumerable.Range(0, ConnectionInputRules.MaxLabelCount).ToDictionary(i => $"l{i}", _ => "v");
        Assert.Null(ConnectionInputRules.FindLabelsProblem(labels));

        labels["one-more"] = "v";
        Assert.Equal($"has {ConnectionInputRules.MaxLabelCount + 1} labels; at most 128 are allowed", ConnectionInputRules.FindLabelsProblem(labels));
    }

    [Fact]
    public void Up_to_the_byte_limit_is_fine_and_one_more_byte_is_not()
    {
        var labels = new Dictionary<string, string> { ["k"] = new('x', ConnectionInputRules.MaxLabelBytes - 1) };
        Assert.Null(ConnectionInputRules.FindLabelsProblem(labels));

        labels["k"] += "x";
        Assert.Equal("takes 32769 bytes (keys and values, UTF-8); at most 32768 are allowed", ConnectionInputRules.FindLabelsProblem(labels));
    }

    [Fact]
    public void Label_bytes_are_counted_in_UTF_8_not_in_characters()
    {
        // 'é' is one char and two UTF-8 bytes.
        var labels = new Dictionary<string, string> { ["k"] = new('é', ConnectionInputRules.MaxLabelBytes / 2) };

        Assert.StartsWith("takes 32769 bytes", ConnectionInputRules.FindLabelsProblem(labels));
    }

    [Fact]
    public void A_malformed_label_is_named_by_a_short_readable_key()
    {
        var hugeKey = new string('k', 1000) + "\uD800";
        var labels = new Dictionary<string, string> { ["app"] = "ok", [hugeKey] = "v" };

        var problem = ConnectionInputRules.FindLabelsProblem(labels);

        Assert.Equal($"key '{new string('k', 40)}…' is not valid UTF-16: lone surrogate U+D800 at index 1000", problem);
    }
}
