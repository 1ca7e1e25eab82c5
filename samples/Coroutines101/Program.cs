// Coroutines 101: from a plain C# generator to coroutines and async/await on one CoopRuntime loop, in six short
// lessons. Each lesson is one file in Lessons/; read them in order. Everything printed is measured as it runs.
using Coroutines101.Lessons;

Lesson.Run(1, "A generator: a method that pauses at every yield return", GeneratorLesson.Run);
Lesson.Run(2, "A coroutine: the loop resumes it when what it yielded is ready", CoroutineLesson.Run);
Lesson.Run(3, "Nesting: a coroutine yields another and waits for it", NestingLesson.Run);
Lesson.Run(4, "async/await on the loop: the same idea with tasks", AsyncLesson.Run);
Lesson.Run(5, "One thread: every callback, coroutine and continuation runs on the loop thread", ThreadIdsLesson.Run);
Lesson.Run(6, "Cooperative, not preemptive: a coroutine that forgets to yield blocks everyone", ForgetsToYieldLesson.Run);

Console.WriteLine();
Console.WriteLine("Next: docs/concepts.md, then samples/GameLoop (coroutines on a frame clock) and samples/Showdown.");
