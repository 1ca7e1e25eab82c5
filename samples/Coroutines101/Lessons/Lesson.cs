namespace Coroutines101.Lessons;

/// <summary>Prints a lesson's heading, then runs it.</summary>
internal static class Lesson
{
    public static void Run(int number, string title, Action lesson)
    {
        Console.WriteLine();
        Console.WriteLine($"{number}. {title}");
        Console.WriteLine(new string('-', title.Length + 3));
        lesson();
    }
}
